package recipientcsv

import (
	"strings"
	"testing"
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
