package identity

import (
	"testing"
)

// TestNameReading: the reading of the name a Japanese form asks beside it
// (furigana), by the names forms and lists give the field (Contact Form 7,
// MW WP Form, a developer's romaji, HubSpot-style property names) or by
// its label, is last_name_kana, first_name_kana or name_kana, and never
// the name: sales call leads and must read their names right. Before, it
// was a custom field, which no SFA field gets.
func TestNameReading(t *testing.T) {
	for _, c := range []struct {
		fields, labels map[string]string
		want           map[string]string
	}{
		{ // a Japanese form's four boxes, named for their labels
			map[string]string{"姓": "山田", "名": "太郎", "姓（カナ）": "ヤマダ", "名（カナ）": "タロウ"}, nil,
			map[string]string{"last_name": "山田", "first_name": "太郎", "last_name_kana": "ヤマダ", "first_name_kana": "タロウ"},
		},
		{ // セイ and メイ, as forms label the reading's boxes
			map[string]string{"sei": "山田", "mei": "太郎", "セイ": "ヤマダ", "メイ": "タロウ"}, nil,
			map[string]string{"last_name": "山田", "first_name": "太郎", "last_name_kana": "ヤマダ", "first_name_kana": "タロウ"},
		},
		{ // romaji and English names
			map[string]string{"sei_kana": "やまだ", "mei_kana": "たろう"}, nil,
			map[string]string{"last_name_kana": "やまだ", "first_name_kana": "たろう"},
		},
		{
			map[string]string{"last_name": "Yamada", "last_name_kana": "ヤマダ", "first_name_kana": "タロウ", "lastname_kana": "ヤマダ"}, nil,
			map[string]string{"last_name": "Yamada", "last_name_kana": "ヤマダ", "first_name_kana": "タロウ"},
		},
		{ // the whole reading in one box
			map[string]string{"お名前": "山田 太郎", "お名前（フリガナ）": "ヤマダ タロウ"}, nil,
			map[string]string{"name": "山田 太郎", "name_kana": "ヤマダ タロウ"},
		},
		{map[string]string{"your-name": "山田 太郎", "your-kana": "やまだ たろう"}, nil, map[string]string{"name": "山田 太郎", "name_kana": "やまだ たろう"}},
		{map[string]string{"name": "山田 太郎", "furigana": "ヤマダ タロウ"}, nil, map[string]string{"name": "山田 太郎", "name_kana": "ヤマダ タロウ"}},
		{map[string]string{"name": "山田 太郎", "kana": "ヤマダ タロウ"}, nil, map[string]string{"name": "山田 太郎", "name_kana": "ヤマダ タロウ"}},
		{map[string]string{"name": "山田 太郎", "name_kana": "ヤマダ タロウ"}, nil, map[string]string{"name": "山田 太郎", "name_kana": "ヤマダ タロウ"}},
		{map[string]string{"氏名": "山田 太郎", "フリガナ": "ヤマダ タロウ"}, nil, map[string]string{"name": "山田 太郎", "name_kana": "ヤマダ タロウ"}},
		{map[string]string{"氏名": "山田 太郎", "ふりがな": "やまだ たろう"}, nil, map[string]string{"name": "山田 太郎", "name_kana": "やまだ たろう"}},
		// Bracketed as Elementor sends them, with a required mark.
		{map[string]string{"form_fields[name]": "山田 太郎", "form_fields[kana]": "ヤマダ タロウ", "フリガナ（必須）": "ヤマダ"}, nil,
			map[string]string{"name": "山田 太郎", "name_kana": "ヤマダ タロウ"}},
		{ // a builder's boxes, keyed by their labels
			map[string]string{"text-1": "山田", "text-2": "太郎", "text-3": "ヤマダ", "text-4": "タロウ", "text-5": "ヤマダ タロウ"},
			map[string]string{"text-1": "お名前（姓）", "text-2": "お名前（名）", "text-3": "フリガナ（セイ）", "text-4": "フリガナ（メイ）", "text-5": "ご担当者名（フリガナ）"},
			map[string]string{"last_name": "山田", "first_name": "太郎", "last_name_kana": "ヤマダ", "first_name_kana": "タロウ", "name_kana": "ヤマダ タロウ"},
		},
		{
			map[string]string{"f1": "ヤマダ", "f2": "タロウ"}, map[string]string{"f1": "姓（ふりがな）※必須", "f2": "Given name (kana)"},
			map[string]string{"last_name_kana": "ヤマダ", "first_name_kana": "タロウ"},
		},
		{ // half-width katakana is full-width, as a name's is; on one line
			map[string]string{"姓（カナ）": "ﾔﾏﾀﾞ", "名（カナ）": "ﾀﾛｳ\r\n", "お名前(フリガナ)": "ﾔﾏﾀﾞ\u3000\u3000ﾀﾛｳ"}, nil,
			map[string]string{"last_name_kana": "ヤマダ", "first_name_kana": "タロウ", "name_kana": "ヤマダ タロウ"},
		},
	} {
		for range 10 { // map order varies from run to run
			known, custom := SplitLabelled(c.fields, c.labels, nil)
			bad := len(known) != len(c.want)
			for k, v := range c.want {
				bad = bad || known[k] != v
			}
			// What was asked twice (lastname_kana beside last_name_kana,
			// フリガナ（必須） beside kana) stays custom, nothing else.
			if bad || len(known)+len(custom) != len(c.fields) {
				t.Errorf("%q %q: known %q custom %q, want %q", c.fields, c.labels, known, custom, c.want)
				break
			}
		}
	}
	// A reading of something else (the company's) is none of these, and
	// no reading is ever the name.
	known, custom := SplitLabelled(map[string]string{"会社名(カナ)": "アクメ", "kana": "ヤマダ", "text-9": "ヤマダ タロウ"}, map[string]string{"text-9": "お名前（フリガナ）"}, nil)
	if known["company"] != "" || known["name"] != "" || custom["会社名(カナ)"] != "アクメ" || known["name_kana"] != "ヤマダ" || custom["text-9"] != "ヤマダ タロウ" {
		t.Errorf("known %q custom %q", known, custom)
	}
	// Words that only hold the letters: not a reading.
	for label, want := range map[string]string{"Kanazawa office": "", "名（めい）": "first_name", "姓（せい）": "last_name", "カナダ": ""} {
		if got := LabelAttribute(label, nil); got != want {
			t.Errorf("LabelAttribute(%q) = %q, want %q", label, got, want)
		}
	}
	// The site's own names and the rules may name them (form_fields).
	if err := CheckFormFields(map[string]string{"text-5": "last_name_kana", "text-6": "first_name_kana", "text-7": "name_kana", "text-8": "mobile"}); err != nil {
		t.Error(err)
	}
	for name, want := range map[string]string{"フリガナ": "name_kana", "sei_kana": "last_name_kana", "携帯電話": "mobile"} {
		if got, ok := FieldAttribute(name); got != want || !ok {
			t.Errorf("FieldAttribute(%q) = %q, want %q", name, got, want)
		}
	}
}
