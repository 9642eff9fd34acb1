package recipientcsv

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/identity"
)

// TestPhoneNumbersComeBackAsSent: the tokenised list goes back to the
// email service (its merge fields), not into a report, and the README
// promises "the same CSV with a baton_token column". An international
// phone number (+81-90-1234-5678, as Japanese lists write mobile numbers
// for SMS) and Excel's "-" for "none" came back as '+81-90-1234-5678 and
// '-: uploaded to Mailchimp or blastmail, the recipients' phone field then
// started with an apostrophe. A cell that calls nothing (no letter: no
// function, name or DDE command) is kept as it is.
func TestPhoneNumbersComeBackAsSent(t *testing.T) {
	out, _ := run(t, "email,電話番号,備考\na@b.example,+81-90-1234-5678,-\n")
	if !strings.Contains(out, "a@b.example,+81-90-1234-5678,-,") {
		t.Fatalf("row changed: %q", out)
	}
}

// TestAddressWithSentencePeriod: an address typed with an IME's period
// after it (taro@example.co.jp。) was refused, the recipient given no
// token; it is minted, and the list goes back with the address a mail
// service sends to.
func TestAddressWithSentencePeriod(t *testing.T) {
	out, res := run(t, "氏名,メールアドレス\r\n山田,taro@example.co.jp。\r\n")
	if res.Minted != 1 || len(res.Errors) != 0 {
		t.Fatalf("%+v", res)
	}
	if !strings.Contains(out, "山田,taro@example.co.jp,") {
		t.Fatalf("address not as a mail service sends to: %q", out)
	}
}

// TestExcelDroppedZeros: a Japanese team's recipient list saved by Excel
// has its numbers without their leading 0 (312345678, 600001): the people
// it makes are given them back (Options.Japan), the result says which, and
// the file that goes back to the mail service keeps its cells as
// uploaded.
func TestExcelDroppedZeros(t *testing.T) {
	in := "氏名,メールアドレス,電話番号,〒\r\n山田,taro@example.co.jp,9012345678,600001\r\n佐藤,hanako@example.co.jp,3123456789,\r\n"
	var got []Row
	var out bytes.Buffer
	res, err := MintWith(strings.NewReader(in), &out, func(r Row) (string, error) { got = append(got, r); return "t", nil }, Options{Japan: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Fields["電話番号"] != "09012345678" || got[0].Fields["〒"] != "0600001" || got[1].Fields["電話番号"] != "3123456789" {
		t.Fatalf("rows %+v", got)
	}
	want := []identity.Restored{{Line: 2, Column: "〒", From: "600001", To: "0600001"}, {Line: 2, Column: "電話番号", From: "9012345678", To: "09012345678"}}
	if !reflect.DeepEqual(res.Restored, want) {
		t.Errorf("restored %+v, want %+v", res.Restored, want)
	}
	if !strings.Contains(out.String(), "山田,taro@example.co.jp,9012345678,600001,t") {
		t.Errorf("file changed: %q", out.String())
	}
	got = nil
	if res, err := MintWith(strings.NewReader(in), &out, func(r Row) (string, error) { got = append(got, r); return "t", nil }, Options{}); err != nil || len(res.Restored) != 0 || got[0].Fields["電話番号"] != "9012345678" {
		t.Errorf("not a Japanese team: %+v %+v %v", got, res.Restored, err)
	}
}
