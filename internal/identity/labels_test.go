package identity

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/event"
)

func TestMachineLike(t *testing.T) {
	for name, want := range map[string]bool{
		"text-123": true, "your-field-7": true, "field_5": true, "input_3": true, "input_1.3": true, "entry.123456": true,
		"wpforms[fields][2]": true, "nf-field-5": true, "f2": true, "field": true, "your-field": true, "ｔｅｘｔ－１２": true,
		"company": false, "your-company": false, "work_address": false, "会社名": false, "message": false, "how_did_you_hear": false,
	} {
		if got := MachineLike(name); got != want {
			t.Errorf("MachineLike(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestLabelAttribute(t *testing.T) {
	cases := map[string]string{
		// Japanese, with the marks and asides forms add
		"会社名":     "company",
		"企業名":     "company",
		"貴社名 ※必須": "company",
		"御社名（必須）": "company",
		"会社名（例：株式会社サンプル）": "company",
		"法人名・団体名":         "company",
		"役職":              "title",
		"役職名":             "title",
		"部署":              "department",
		"所属部署名":           "department",
		"氏名":              "name",
		"お名前":             "name",
		"ご担当者名":           "name",
		"姓":               "last_name",
		"名":               "first_name",
		"名（めい）":           "first_name",
		"姓名":              "name",
		"電話番号":            "phone",
		"電話番号（ハイフンなし）":    "phone",
		"会社電話番号":          "phone",
		"携帯電話":            "mobile",
		"携帯電話番号（ハイフンなし）": "mobile",
		"電話番号（携帯可）":      "phone",
		"従業員数":           "employees",
		"会社規模":           "employees",
		"社員数":            "employees",
		"年商":             "revenue",
		"業種":             "industry",
		"都道府県":           "region",
		"国":              "country",
		"貴社のWebサイト":      "website",
		"ご予算":            "budget",
		"導入時期":           "timeframe",
		"お問い合わせ内容":       "message",
		"メールアドレス":        "email",
		"メールアドレス（確認用）":   "email",
		"お名前（フリガナ）":      "name_kana",
		"会社名(カナ)":        "",
		"ご住所":            "",
		"郵便番号":           "",
		// full width
		"ＴＥＬ":   "phone",
		"Ｅメール":  "email",
		"会社名 ＊": "company",
		// English
		"Company":             "company",
		"Company name *":      "company",
		"Your organization":   "company",
		"Job title":           "title",
		"Title (required)":    "title",
		"Position":            "title",
		"Department":          "department",
		"Phone number":        "phone",
		"Tel.":                "phone",
		"Company phone":       "phone",
		"Number of employees": "employees",
		"Company size":        "employees",
		"Full name":           "name",
		"Your name":           "name",
		"First name":          "first_name",
		"Last name":           "last_name",
		"Email address":       "email",
		"Company address":     "",
		"Inquiry type":        "",
		"Country":             "country",
		"State/Province":      "region",
		"Website":             "website",
		"Comments":            "message",
		"Hotel preference":    "", // "tel" only as a word
		"Username":            "", // "name" only as a word
		"Statement":           "", // "state" only as a word
		"例）山田 太郎":             "",
		"03-1234-5678":        "",
		"":                    "",
	}
	for label, want := range cases {
		if got := LabelAttribute(label, nil); got != want {
			t.Errorf("LabelAttribute(%q) = %q, want %q", label, got, want)
		}
	}
	// The site's form_fields apply to labels too, before Baton's names.
	extra := FieldNames{"ご所属": "company", "会社名": "department"}
	if got := LabelAttribute("ご所属（必須）", extra); got != "company" {
		t.Errorf("form_fields on a label: %q", got)
	}
	if got := LabelAttribute("会社名", extra); got != "department" {
		t.Errorf("form_fields before built-in names: %q", got)
	}
}

func TestSplitLabelled(t *testing.T) {
	fields := map[string]string{
		"text-123":     "山田商事",
		"your-field-7": "部長",
		"field_5":      "３００名",
		"input_3":      "営業部",
		"text-9":       "yamada@example.jp", // labelled メールアドレス: the person key, dropped
		"text-10":      "1234",              // labelled 暗証番号: a secret, dropped
		"text-11":      "東京都港区",             // labelled ご住所: no attribute
		"text-12":      "boss@example.jp",   // labelled ご連絡先 (its placeholder said メール): an email all the same, dropped
		"company":      "Named Co",          // a meaningful name wins over its label
		"field_8":      "no label",
		"menu-4":       "IT",
	}
	labels := map[string]string{
		"text-123": "会社名 *", "your-field-7": "役職", "field_5": "従業員数", "input_3": "部署名", "text-9": "メールアドレス",
		"text-10": "暗証番号", "text-11": "ご住所", "text-12": "ご連絡先", "company": "ご担当者名", "menu-4": "業種",
	}
	known, custom := SplitLabelled(fields, labels, FieldNames{"menu-4": "need"})
	want := map[string]string{"company": "Named Co", "title": "部長", "employees": "300名", "department": "営業部", "need": "IT"}
	if len(known) != len(want) {
		t.Errorf("known = %v, want %v", known, want)
	}
	for k, v := range want {
		if known[k] != v {
			t.Errorf("known[%s] = %q, want %q (known %v)", k, known[k], v, known)
		}
	}
	// The labelled company lost to the named one: kept, as custom.
	if len(custom) != 3 || custom["text-11"] != "東京都港区" || custom["field_8"] != "no label" || custom["text-123"] != "山田商事" {
		t.Errorf("custom = %v", custom)
	}
	// Without labels, as before: machine-like names stay custom.
	known, custom = SplitAttributes(map[string]string{"text-123": "山田商事"}, nil)
	if len(known) != 0 || custom["text-123"] != "山田商事" {
		t.Errorf("no labels: known %v custom %v", known, custom)
	}
	// A long Japanese value is cut to 2,000 bytes on a character.
	long := strings.Repeat("株式会社サンプル", 100) // 2,400 bytes
	known, _ = SplitLabelled(map[string]string{"company": long}, nil, nil)
	if c := known["company"]; !utf8.ValidString(c) || len(c) < 1997 || len(c) > 2000 || !strings.HasPrefix(long, c) {
		t.Errorf("a long value cut to %d bytes, valid UTF-8 %v", len(c), utf8.ValidString(c))
	}
	// A shorthand no attribute has is keyed by its label too (emp stayed
	// custom, its 従業員数 lost to fit).
	known, custom = SplitLabelled(map[string]string{"emp": "50名未満", "kbn": "製造業", "how_found": "展示会"},
		map[string]string{"emp": "従業員数", "kbn": "業種", "how_found": "当社を知ったきっかけ"}, nil)
	if known["employees"] != "50名未満" || known["industry"] != "製造業" || custom["how_found"] != "展示会" || len(custom) != 1 {
		t.Errorf("shorthand names: known %v custom %v", known, custom)
	}
	// A label on a meaningful name does not override it.
	known, _ = SplitLabelled(map[string]string{"your-company": "Acme"}, map[string]string{"your-company": "役職"}, nil)
	if known["company"] != "Acme" || known["title"] != "" {
		t.Errorf("named field: %v", known)
	}
}

// FuzzLabelAttribute: any label gives an attribute Baton knows, or none,
// without panicking.
func FuzzLabelAttribute(f *testing.F) {
	for _, s := range []string{"会社名（必須）", "Company name *", "お名前(フリガナ)", "ＴＥＬ", "tel", "【必須】部署", "(", "「」", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, label string) {
		a := LabelAttribute(label, nil)
		if a != "" && a != "email" && !KnownAttribute(a) {
			t.Fatalf("LabelAttribute(%q) = %q, no attribute", label, a)
		}
		if utf8.ValidString(label) {
			_ = MachineLike(label)
		}
	})
}

// TestSecretFieldsNeverAttributes: a field named or labelled for a secret
// (event.SecretField: the collector's list, English and Japanese), or
// whose value is a card number whatever its name, never becomes an
// attribute, from a form, the Segment API or a CSV; a card number within a
// message is redacted. Before, カード番号 and pw were kept as custom
// attributes, shown on the person's page.
func TestSecretFieldsNeverAttributes(t *testing.T) {
	fields := map[string]string{
		"カード番号": "4111111111111111", "pw": "hunter2", "会社名": "株式会社アクメ", "暗証番号": "1234", "マイナンバー": "123456789012",
		"口座番号": "7654321", "セキュリティコード": "123", "cc-number": "5500005555555559", "new-password": "hunter3", "ﾊﾟｽﾜｰﾄﾞ": "hunter4",
		"text-5":  "hunter5", // labelled パスワード
		"役職":      "hunter6", // a meaningful name, labelled Password: the label the visitor read decides
		"notes":   "３７８２ ８２２４６３ １０００５",
		"message": "カード 4111-1111-1111-1111 で払います",
		"phone":   "090-1234-5678",
		"member":  "6011 1111 1111 1117",
	}
	labels := map[string]string{"text-5": "パスワード", "役職": "Password", "会社名": "会社名"}
	known, custom := SplitLabelled(fields, labels, nil)
	want := map[string]string{"company": "株式会社アクメ", "message": "カード [card number] で払います", "phone": "090-1234-5678"}
	if len(known) != len(want) || len(custom) != 0 {
		t.Errorf("known %v custom %v, want %v and nothing custom", known, custom, want)
	}
	for k, v := range want {
		if known[k] != v {
			t.Errorf("known[%s] = %q, want %q", k, known[k], v)
		}
	}
	for _, m := range []map[string]string{known, custom} {
		for k, v := range m {
			if strings.Contains(v, "hunter") || strings.Contains(v, "1111") || strings.Contains(v, "1234") && k != "phone" {
				t.Errorf("%s = %q kept", k, v)
			}
		}
	}
}

// TestNoAttributeNameIsASecret: the names and label words Baton reads as
// attributes are none the collector drops as secrets.
func TestNoAttributeNameIsASecret(t *testing.T) {
	for k, a := range attributeNames {
		if event.SecretField(k) || event.SecretField(a) {
			t.Errorf("attribute name %q (%s) is a secret's", k, a)
		}
	}
	for k := range labelKeywords {
		if event.SecretField(k) {
			t.Errorf("label word %q is a secret's", k)
		}
	}
}

// TestAttributesWithoutControls: a name or company sent with JSON's \u0000
// (or any control character) was kept as sent, for the pages and the SFA;
// a textarea's line ends stay.
func TestAttributesWithoutControls(t *testing.T) {
	known, custom := SplitAttributes(map[string]string{"name": "山田\x00 太郎", "company": "Acme\x1b\u0085", "ご要望\x00": "line 1\r\nline 2"}, nil)
	if known["name"] != "山田 太郎" || known["company"] != "Acme" || custom["ご要望"] != "line 1\r\nline 2" || len(custom) != 1 {
		t.Errorf("known %q, custom %q", known, custom)
	}
	// A right-to-left override made a stranger's name read as another
	// person's on every page and in the SFA: 悪意\u202e郎太田山 showed as 悪意山田太郎.
	known, _ = SplitAttributes(map[string]string{"name": "悪意\u202e郎太田山", "company": "\u2067アクメ\u2069株式会社"}, nil)
	if known["name"] != "悪意郎太田山" || known["company"] != "アクメ株式会社" {
		t.Errorf("bidirectional controls kept: %+q", known)
	}
}

// TestRequiredMarksOnAttributeNames: a Japanese template marks every
// required column (氏名（必須）, 会社名【必須】, 役職※): a recipient list's or
// touch list's columns come here by their header, and the mark made them
// custom attributes ("会社名(必須)"): the person had no name, company or
// title for the grade and the SFA's lead.
func TestRequiredMarksOnAttributeNames(t *testing.T) {
	known, custom := SplitAttributes(map[string]string{"氏名（必須）": "山田 太郎", "会社名【必須】": "株式会社サンプル", "役職※": "部長", "*phone": "03-1234-5678", "メールアドレス（必須）": "x"}, nil)
	if known["name"] != "山田 太郎" || known["company"] != "株式会社サンプル" || known["title"] != "部長" || known["phone"] != "03-1234-5678" || len(custom) != 0 {
		t.Errorf("known %q, custom %q", known, custom)
	}
}

// TestSplitLabelledBracketedNames: a form builder or framework that nests
// its fields in a bracketed name (Elementor's form_fields[company],
// Rails' and Laravel's lead[job_title]) names them by what is in the last
// brackets: the attribute is that name's, a machine-like one there
// (Elementor's form_fields[field_3ab2c1d]) is keyed by its label, and a
// secret or an email there is dropped as its bare name would be. Custom
// fields keep their names as sent.
func TestSplitLabelledBracketedNames(t *testing.T) {
	fields := map[string]string{
		"form_fields[name]":          "山田 太郎",
		"form_fields[company]":       "Elementor Co",
		"lead[job_title]":            "CTO",
		"form_fields[field_3ab2c1d]": "営業部",
		"form_fields[message]":       "資料をください",
		"form_fields[field_9c8d7e6]": "no label",
		"user[pw]":                   "hunter2",
		"form_fields[mail]":          "yamada@example.jp",
	}
	labels := map[string]string{"form_fields[field_3ab2c1d]": "部署", "form_fields[company]": "会社名"}
	known, custom := SplitLabelled(fields, labels, nil)
	want := map[string]string{"name": "山田 太郎", "company": "Elementor Co", "title": "CTO", "department": "営業部", "message": "資料をください"}
	if len(known) != len(want) {
		t.Errorf("known = %v, want %v", known, want)
	}
	for k, v := range want {
		if known[k] != v {
			t.Errorf("known[%s] = %q, want %q (known %v)", k, known[k], v, known)
		}
	}
	if len(custom) != 1 || custom["form_fields[field_9c8d7e6]"] != "no label" {
		t.Errorf("custom = %v", custom)
	}
}

// TestNameAskedInTwoBoxes: Japanese forms and lists ask the family and given
// names apart under the whole name's label, お名前（姓） and お名前（名）, 氏名（姓）
// and 氏名（名）. Each box is its half. Before, both were the name: the
// person was called by their family name alone (鈴木), everywhere and in the
// SFA, and their given name was a custom field.
func TestNameAskedInTwoBoxes(t *testing.T) {
	for label, want := range map[string]string{
		"お名前（姓）":           "last_name",
		"お名前（名）":           "first_name",
		"氏名（姓）※必須":         "last_name",
		"氏名（名）【必須】":        "first_name",
		"ご担当者名（姓）":         "last_name",
		"名前 [名]":           "first_name",
		"お名前 名":            "first_name",
		"お名前 姓":            "last_name",
		"Name (First)":     "first_name",
		"Full name (last)": "last_name",
		// the whole name as before; a reading is the reading's (TestNameReading)
		"お名前（姓・名）":  "name",
		"お名前（例：山田）": "name",
		"お名前（フリガナ）": "name_kana",
		"フリガナ（姓）":   "last_name_kana",
		"会社名（名）":    "company",
		"名（めい）":     "first_name",
	} {
		if got := LabelAttribute(label, nil); got != want {
			t.Errorf("LabelAttribute(%q) = %q, want %q", label, got, want)
		}
	}
	// Labelled boxes of a form builder, as the demo's form sends them.
	known, custom := SplitLabelled(
		map[string]string{"your-field-1": "鈴木", "your-field-2": "一郎", "text-3": "ガンマ株式会社"},
		map[string]string{"your-field-1": "お名前（姓）", "your-field-2": "お名前（名）", "text-3": "会社名"}, nil)
	if known["last_name"] != "鈴木" || known["first_name"] != "一郎" || known["name"] != "" || len(custom) != 0 {
		t.Errorf("labelled: known %q, custom %q", known, custom)
	}
	if got := DisplayName(known, ""); got != "鈴木 一郎" {
		t.Errorf("shown as %q", got)
	}
	// A list's columns (a business-card or recipient CSV) and fields named so.
	known, custom = SplitAttributes(map[string]string{"氏名（姓）": "中村", "氏名（名）": "美咲", "お名前(フリガナ)": "ナカムラ"}, nil)
	if known["last_name"] != "中村" || known["first_name"] != "美咲" || known["name"] != "" || known["name_kana"] != "ナカムラ" || len(custom) != 0 {
		t.Errorf("columns: known %q, custom %q", known, custom)
	}
}

// An inquiry is kept whole up to 2,000 characters of Japanese (the tag's
// bound of a field); every other value to 2,000 bytes, so that a person's
// item stays bounded. Before, the inquiry was cut at 2,000 bytes too: 666
// characters, its end (the budget) lost before the SFA saw it.
func TestInquiryKeptWhole(t *testing.T) {
	long := strings.Repeat("ご相談内容です。", 135) + "【末尾】予算は500万円です。" // 1,095 characters
	over := strings.Repeat("あ", 2500)
	known, custom := SplitLabelled(map[string]string{"f3": long, "company": over, "notes_x": over}, map[string]string{"f3": "お問い合わせ内容"}, nil)
	if known["message"] != long {
		t.Errorf("message kept as %d characters, want all %d", utf8.RuneCountInString(known["message"]), utf8.RuneCountInString(long))
	}
	if c := known["company"]; len(c) > 2000 || !strings.HasPrefix(over, c) || c == "" {
		t.Errorf("company kept as %d bytes, want at most 2,000", len(c))
	}
	if c := custom["notes_x"]; len(c) > 2000 || c == "" {
		t.Errorf("custom value kept as %d bytes, want at most 2,000", len(c))
	}
	known, _ = SplitLabelled(map[string]string{"message": over + over + over}, nil, nil)
	if m := known["message"]; len(m) != 6000 || !utf8.ValidString(m) {
		t.Errorf("a longer message kept as %d bytes, want 6,000 (2,000 characters)", len(m))
	}
}
