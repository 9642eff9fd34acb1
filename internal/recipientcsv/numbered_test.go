package recipientcsv

import "testing"

// TestNumberedEmailTheFirstFilled: a recipient whose first numbered
// address is empty got no token ("no email field"); the first filled is
// theirs, the one numbered 1 when both are.
func TestNumberedEmailTheFirstFilled(t *testing.T) {
	out, res := run(t, "Email 1,Email 2\r\n,a@example.jp\r\nb@example.jp,b2@example.jp\r\n")
	if res.Minted != 2 || len(res.Errors) != 0 {
		t.Errorf("%+v", res)
	}
	if want := "\ufeffEmail 1,Email 2,baton_token\r\n,a@example.jp,tok-a\r\nb@example.jp,b2@example.jp,tok-b\r\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}
