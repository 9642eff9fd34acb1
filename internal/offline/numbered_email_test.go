package offline

import (
	"context"
	"strings"
	"testing"
)

// TestNumberedEmailColumnsSpelledOtherwise: Sansan's e-mail(1), e-mail(2)
// were read, the one numbered 1 the person's; the same numbers written
// otherwise (Email 1, email_1, E-mail 2, Eメール1, a full-width
// メールアドレス１) were no email column at all: the list was refused as
// having none, and Email 2 was stored as an attribute.
func TestNumberedEmailColumnsSpelledOtherwise(t *testing.T) {
	for _, h := range [][2]string{{"Email 1", "Email 2"}, {"email_1", "email_2"}, {"E-mail 1", "E-mail 2"}, {"Eメール1", "Eメール2"}, {"メールアドレス１", "メールアドレス２"}} {
		f := newFixture(t)
		ctx := context.Background()
		in := "氏名," + h[1] + "," + h[0] + "\r\n山田 太郎,taro@home.example,taro@acme.example\r\n"
		res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{Channel: "名刺交換", Event: "名刺", Date: "2026-10-20"})
		if err != nil || res.Imported != 1 {
			t.Errorf("%q: %+v %v", h, res, err)
			continue
		}
		p, err := f.dir.ByEmail(ctx, "taro@acme.example")
		if err != nil || p.Attributes["name"] != "山田 太郎" || len(p.Custom) != 0 {
			t.Errorf("%q: %q %q %v", h, p.Attributes, p.Custom, err)
		}
	}
	// One such column alone is the list's email column.
	f := newFixture(t)
	res, err := f.im.Import(context.Background(), strings.NewReader("Email 1,氏名\r\ntaro@acme.example,山田 太郎\r\n"), Defaults{Channel: "名刺交換", Event: "名刺", Date: "2026-10-20"})
	if err != nil || res.Imported != 1 {
		t.Errorf("Email 1 alone: %+v %v", res, err)
	}
}

// TestNumberedEmailTheFirstFilled: a business card with only its second
// address (e-mail(1) empty, e-mail(2) filled) was refused as "\"\" is not
// an email address"; the first numbered address filled is the person's
// (the one numbered 1 when both are).
func TestNumberedEmailTheFirstFilled(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "氏名,e-mail(2),e-mail(1)\r\n山田 太郎,taro@home.example,\r\n佐藤 花子,hanako@home.example,hanako@acme.example\r\n鈴木,,\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{Channel: "名刺交換", Event: "名刺", Date: "2026-10-20"})
	if err != nil || res.Imported != 2 || len(res.Errors) != 1 || res.Errors[0].Line != 4 {
		t.Fatalf("%+v %v", res, err)
	}
	for _, email := range []string{"taro@home.example", "hanako@acme.example"} {
		if _, err := f.dir.ByEmail(ctx, email); err != nil {
			t.Errorf("%s: %v", email, err)
		}
	}
	if _, err := f.dir.ByEmail(ctx, "hanako@home.example"); err == nil {
		t.Error("the second address of a card with both made a person")
	}
}
