package offline

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/identity"
)

// TestListWithReadingAndMobile: a list's フリガナ (or セイ and メイ) and 携帯電話
// columns, read through the same names as forms' fields, are the person's
// name_kana (last_name_kana, first_name_kana) and mobile; the mobile is
// the phone too when the list has no other number. They were custom
// attributes, which no SFA field gets.
func TestListWithReadingAndMobile(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "氏名,フリガナ,会社名,メールアドレス,電話番号,携帯電話,イベント名,日付,チャネル\r\n" +
		"山田 太郎,ﾔﾏﾀﾞ ﾀﾛｳ,株式会社サンプル,taro@client.example,03ー1234ー5678,０９０ー１２３４ー５６７８,Japan IT Week 秋,2026/11/6,展示会\r\n" +
		"佐藤 花子,さとう はなこ,サンプル工業,hanako@client.example,,080-1111-2222,Japan IT Week 秋,2026/11/6,展示会\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(sjis(t, in)), Defaults{})
	if err != nil || res.Imported != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	in = "会社名,姓,名,セイ,メイ,e-mail,TEL会社,携帯電話,名刺交換日\r\n" +
		"株式会社サンプル,鈴木,一郎,スズキ,イチロウ,ichiro@client.example,03-1234-5679,090-9999-0000,2026/10/20\r\n"
	if res, err := f.im.Import(ctx, strings.NewReader(sjis(t, in)), Defaults{Channel: "名刺交換", Event: "名刺"}); err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	for email, want := range map[string]map[string]string{
		"taro@client.example":   {"name": "山田 太郎", "name_kana": "ヤマダ タロウ", "phone": "03-1234-5678", "mobile": "090-1234-5678"},
		"hanako@client.example": {"name": "佐藤 花子", "name_kana": "さとう はなこ", "phone": "080-1111-2222", "mobile": "080-1111-2222"},
		"ichiro@client.example": {"last_name": "鈴木", "first_name": "一郎", "last_name_kana": "スズキ", "first_name_kana": "イチロウ", "phone": "03-1234-5679", "mobile": "090-9999-0000"},
	} {
		p, err := f.dir.ByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range want {
			if p.Attributes[k] != v {
				t.Errorf("%s: %s = %q, want %q (attributes %q, custom %q)", email, k, p.Attributes[k], v, p.Attributes, p.Custom)
			}
		}
		if len(p.Custom) != 0 {
			t.Errorf("%s: custom %q", email, p.Custom)
		}
	}
}

// TestListEmailWithSentencePeriod: a list typed in Japanese Excel with an
// IME has addresses ending in the sentence's period (taro@example.co.jp。,
// ．); each such row was refused as "not an email address". It is the
// person's address without it.
func TestListEmailWithSentencePeriod(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "氏名,メールアドレス\r\n山田 太郎,taro@client.example。\r\n佐藤 花子,hanako@client.example． \r\n"
	res, err := f.im.Import(ctx, strings.NewReader(sjis(t, in)), Defaults{Channel: "展示会", Event: "展示会", Date: "2026-11-06"})
	if err != nil || res.Imported != 2 || len(res.Errors) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	for _, email := range []string{"taro@client.example", "hanako@client.example"} {
		if _, err := f.dir.ByEmail(ctx, email); err != nil {
			t.Errorf("%s: %v", email, err)
		}
	}
}

// TestExcelDroppedZeros: a Japanese team's exhibition list, its numbers
// typed without dashes and the file opened and saved in Excel, has them
// without their leading 0 (312345678, 9012345678; the postal code 600001):
// the person's phone went to the SFA as a number nobody can call. Each is
// given back, and the answer says which (row, column, as the file had it,
// as stored); an ambiguous one (10 digits not a mobile's) is left. A team
// Baton does not know to be Japanese keeps them as they are.
func TestExcelDroppedZeros(t *testing.T) {
	in := "氏名,メールアドレス,電話番号,携帯電話,郵便番号\r\n" +
		"山田 太郎,taro@client.example,312345678,9012345678,600001\r\n" +
		"佐藤 花子,hanako@client.example,3123456789,,1000001\r\n"
	def := Defaults{Channel: "展示会", Event: "展示会", Date: "2026-11-06"}
	f := newFixture(t)
	f.im.Japan = true
	ctx := context.Background()
	res, err := f.im.Import(ctx, strings.NewReader(sjis(t, in)), def)
	if err != nil || res.Imported != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	want := []identity.Restored{
		{Line: 2, Column: "携帯電話", From: "9012345678", To: "09012345678"},
		{Line: 2, Column: "郵便番号", From: "600001", To: "0600001"},
		{Line: 2, Column: "電話番号", From: "312345678", To: "0312345678"},
	}
	if !reflect.DeepEqual(res.Restored, want) {
		t.Errorf("restored %+v, want %+v", res.Restored, want)
	}
	p, _ := f.dir.ByEmail(ctx, "taro@client.example")
	if p.Attributes["phone"] != "0312345678" || p.Attributes["mobile"] != "09012345678" || p.Custom["郵便番号"] != "0600001" {
		t.Errorf("taro: %q %q", p.Attributes, p.Custom)
	}
	p, _ = f.dir.ByEmail(ctx, "hanako@client.example")
	if p.Attributes["phone"] != "3123456789" || p.Custom["郵便番号"] != "1000001" {
		t.Errorf("hanako: %q %q", p.Attributes, p.Custom)
	}

	f = newFixture(t) // not known to be Japanese
	res, err = f.im.Import(ctx, strings.NewReader(in), def)
	if err != nil || res.Imported != 2 || len(res.Restored) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if b, _ := json.Marshal(res); !strings.Contains(string(b), `"restored":[]`) {
		t.Errorf("restored is no list: %s", b)
	}
	p, _ = f.dir.ByEmail(ctx, "taro@client.example")
	if p.Attributes["phone"] != "312345678" {
		t.Errorf("restored for a team not known to be Japanese: %q", p.Attributes)
	}
}

// TestHeaderWithInvisibleCharacters: a list whose column names were
// copied from a web page hold a zero-width space (メール\u200bアドレス): it
// was refused as having no email column, and 氏\u200b名 was a custom
// attribute, not the person's name.
func TestHeaderWithInvisibleCharacters(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "メール\u200bアドレス,氏\u2060名\r\ntaro@client.example,山田 太郎\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{Channel: "展示会", Event: "展示会", Date: "2026-11-06"})
	if err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if p, err := f.dir.ByEmail(ctx, "taro@client.example"); err != nil || p.Attributes["name"] != "山田 太郎" || len(p.Custom) != 0 {
		t.Errorf("%q %q %v", p.Attributes, p.Custom, err)
	}
}

// TestNumberedEmailColumns: a business-card list with the person's
// addresses numbered (Sansan's e-mail(1), e-mail(2)) was refused whole as
// having two email columns; the first is the person's, the second no
// attribute.
func TestNumberedEmailColumns(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "会社名,氏名[姓],氏名[名],e-mail(1),e-mail(2),名刺交換日\r\n株式会社アクメ,山田,太郎,taro@acme.example,taro@home.example,2026/10/20\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(sjis(t, in)), Defaults{Channel: "名刺交換", Event: "名刺"})
	if err != nil || res.Imported != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	p, err := f.dir.ByEmail(ctx, "taro@acme.example")
	if err != nil || p.Attributes["last_name"] != "山田" || p.Attributes["first_name"] != "太郎" || len(p.Custom) != 0 {
		t.Errorf("%q %q %v", p.Attributes, p.Custom, err)
	}
	if _, err := f.dir.ByEmail(ctx, "taro@home.example"); err == nil {
		t.Error("the second address made a person")
	}
}
