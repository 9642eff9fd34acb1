package recipientcsv

import (
	"testing"

	"github.com/baton-hq/baton/internal/csvin"
)

// TestRepeatedHeaderLeftOut: two recipient exports pasted together repeat
// the header mid-list; the row was refused ("\"email\" is not an email
// address") and went back in the file for the email tool as a recipient
// without a token. It is left out and said (RepeatedHeaders); the rows
// below a header in another order go back in the first header's order,
// each under its column.
func TestRepeatedHeaderLeftOut(t *testing.T) {
	in := "email,name\r\n" +
		"a@example.jp,A\r\n" +
		"\ufeffName,Email\r\n" +
		"B,b@example.jp,,\r\n" + // Excel's empty cells past the header: no fields more
		"Email,Name\r\n" +
		"c@example.jp,C\r\n"
	out, res := run(t, in)
	want := "\ufeffemail,name,baton_token\r\na@example.jp,A,tok-a\r\nb@example.jp,B,tok-b\r\nc@example.jp,C,tok-c\r\n"
	if out != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
	if len(res.Errors) != 0 || res.Minted != 3 {
		t.Errorf("%+v", res)
	}
	if r := res.RepeatedHeaders; len(r) != 2 || r[0] != (csvin.Repeat{Row: 3, Reordered: true}) || r[1] != (csvin.Repeat{Row: 5}) {
		t.Errorf("repeated headers %+v", r)
	}
}

// TestPastedListNamesTheEmailAnotherWay: the second list pasted below the
// first names its email column Eメール (the first email) and has its title
// line above its header: both went back as recipients without a token
// (refused: "Eメール" no address) and the rows below were read in the
// first header's order. They are left out and said, and the rows below go
// back in the header's order.
func TestPastedListNamesTheEmailAnotherWay(t *testing.T) {
	in := "email,name\r\n" +
		"a@example.jp,A\r\n" +
		"配信リスト 12月号,\r\n" +
		"氏名,Eメール\r\n" +
		"B,b@example.jp\r\n"
	out, res := run(t, in)
	want := "\ufeffemail,name,baton_token\r\na@example.jp,A,tok-a\r\nb@example.jp,B,tok-b\r\n"
	if out != want {
		t.Errorf("got\n%q\nwant\n%q", out, want)
	}
	if len(res.Errors) != 0 || res.Minted != 2 {
		t.Errorf("%+v", res)
	}
	if r := res.RepeatedHeaders; len(r) != 1 || r[0] != (csvin.Repeat{Row: 4, Reordered: true}) || len(res.PastedTitles) != 1 || res.PastedTitles[0] != 3 {
		t.Errorf("repeated headers %+v titles %v", r, res.PastedTitles)
	}
}
