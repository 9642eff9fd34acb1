package identity

import (
	"testing"
)

// TestSingleLineAttributes: a line break in a name, company, title,
// department or phone (a CSV cell's "新井\r\n 一郎", a pasted value) was
// stored as it came and went to the SFA's LastName and the pages' titles;
// those attributes are one line now, the line break and the spaces beside
// it one space. The inquiry (message) and custom fields keep their lines.
func TestSingleLineAttributes(t *testing.T) {
	known, custom := SplitAttributes(map[string]string{
		"氏名": "新井\r\n 一郎", "姓": "新井\n", "名": "\r\n一郎", "会社名": "株式会社ゼブラ\r\n東京支店", "役職": "部長\t\n 兼 CTO",
		"部署": "営業部\r\n第二課", "電話番号": "03-1234-5678\r\n", "message": "一行目\r\n二行目", "備考": "a\r\nb",
	}, nil)
	want := map[string]string{"name": "新井 一郎", "last_name": "新井", "first_name": "一郎", "company": "株式会社ゼブラ 東京支店",
		"title": "部長 兼 CTO", "department": "営業部 第二課", "phone": "03-1234-5678", "message": "一行目\r\n二行目"}
	for k, v := range want {
		if known[k] != v {
			t.Errorf("%s = %q, want %q", k, known[k], v)
		}
	}
	if len(known) != len(want) || custom["備考"] != "a\r\nb" || len(custom) != 1 {
		t.Errorf("known %q custom %q", known, custom)
	}
	// A form's own field names (form_fields) and a full-width space, as
	// an IME types it around the break, alike.
	known, _ = SplitAttributes(map[string]string{"text-1": "山田\u3000\r\n\u3000太郎", "text-2": "一行目\n二行目"}, FieldNames{"text-1": "name", "text-2": "message"})
	if known["name"] != "山田 太郎" || known["message"] != "一行目\n二行目" {
		t.Errorf("form_fields: %q", known)
	}
	// Two spaces typed between the names (山田　　太郎) are one: the SFA's
	// duplicate rules read 山田  太郎 as another name.
	known, _ = SplitAttributes(map[string]string{"氏名": "山田\u3000\u3000太郎", "会社名": "株式会社  ゼブラ", "message": "a  b"}, nil)
	if known["name"] != "山田 太郎" || known["company"] != "株式会社 ゼブラ" || known["message"] != "a  b" {
		t.Errorf("spaces: %q", known)
	}
}

// TestEveryAttributeIsSingleOrMultiLine: each attribute Baton names is
// either kept on one line (singleLine) or one a form may ask in a textarea;
// a new attribute is decided, not left multi-line by default.
func TestEveryAttributeIsSingleOrMultiLine(t *testing.T) {
	multi := map[string]bool{"message": true, "need": true, "budget": true, "authority": true, "timeframe": true}
	for _, a := range attributeNames {
		if singleLine[a] == multi[a] {
			t.Errorf("attribute %s: single-line %v, multi-line %v; want one of them", a, singleLine[a], multi[a])
		}
	}
}

// TestInvisibleNameIsNoName: a form's name of Hangul fillers or zero-width
// spaces (ㅤㅤ) was stored, and the MQL list and the inbox showed the lead
// as a link with no text, the email hidden behind it. Nothing visible is
// no value: the pages fall back to the email, and a name given before stays.
func TestInvisibleNameIsNoName(t *testing.T) {
	known, _ := SplitAttributes(map[string]string{"氏名": "\u3164\u3164", "会社名": "\u200b", "役職": "部長"}, nil)
	if _, ok := known["name"]; ok || known["company"] != "" || known["title"] != "部長" || len(known) != 1 {
		t.Errorf("known %q", known)
	}
	if got := DisplayName(known, "ann@maker.example"); got != "ann@maker.example" {
		t.Errorf("display name %q", got)
	}
	// A name stored before (its fillers kept) is no name either.
	if got := DisplayName(map[string]string{"name": "\u3164\u200b"}, "ann@maker.example"); got != "ann@maker.example" {
		t.Errorf("a stored name of fillers: %q", got)
	}
}

// TestZeroWidthInNames: a zero-width character pasted inside a name or a
// company (山田\u200b太郎 from a chat, 株式会社\u2060アクメ from a card app,
// a BOM) stayed stored: the name showed as 山田太郎 and matched no other
// 山田太郎 (an SFA's duplicate rules, the account's company). The one-line
// attributes are without them; an inquiry keeps what was typed, and a
// kanji's variation selector (葛󠄀) stays.
func TestZeroWidthInNames(t *testing.T) {
	known, _ := SplitAttributes(map[string]string{
		"氏名": "山田\u200b太郎", "姓": "\ufeff新井", "名": "一\u200c郎\u200d", "会社名": "株式会社\u2060アクメ",
		"フリガナ": "ヤマダ\u200bタロウ", "部署": "営業\u200b部", "お問い合わせ内容": "a\u200bb",
	}, nil)
	want := map[string]string{"name": "山田太郎", "last_name": "新井", "first_name": "一郎", "company": "株式会社アクメ",
		"name_kana": "ヤマダタロウ", "department": "営業部", "message": "a\u200bb"}
	for k, v := range want {
		if known[k] != v {
			t.Errorf("%s = %q, want %q", k, known[k], v)
		}
	}
	known, _ = SplitAttributes(map[string]string{"氏名": "葛\U000E0100西 太郎", "会社名": "\u200b\u200b"}, nil)
	if known["name"] != "葛\U000E0100西 太郎" {
		t.Errorf("variation selector: %q", known["name"])
	}
	if _, ok := known["company"]; ok {
		t.Errorf("a company of zero-width characters alone: %q", known["company"])
	}
}
