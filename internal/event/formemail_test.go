package event

import (
	"reflect"
	"testing"
)

// Forms as the tag sends them (its array form), from the reviewer's
// repros: (A) a referrer's address asked before the sender's, which the
// tag takes as the form's n; (B) a newsletter select before a form
// builder's field_3 labelled メールアドレス, whose n (購読する) is none.
var (
	formReferrerFirst = `[["4,5,6",false,"f-a",1,"www","s","referrer@example.jp",["https://www.example.com/shokai","ご紹介",` +
		`{"referrer_mail":"referrer@example.jp","email":"newcomer@example.jp","お名前":"新規 太郎"},"shokai",null,null,` +
		`{"referrer_mail":"ご紹介者のメールアドレス","email":"メールアドレス","お名前":"お名前"}],null],1764000000000]`
	formLabelledField = `[["4,5,6",false,"f-b",1,"www","s","購読する",["https://www.example.com/form2","資料請求",` +
		`{"field_1":"購読する","field_3":"form2user@example.jp","field_2":"二号 花子"},"form2",null,null,` +
		`{"field_1":"メールマガジンの購読","field_3":"メールアドレス","field_2":"お名前"}],null],1764000000000]`
)

// TestTagFormEmailByNameAndLabel: (A) the tag's n (the referrer's
// address) was written over the field named email: the form identified
// the referrer and the sender's address was lost. (B) field_3 labelled
// メールアドレス identified nobody: Email read field names alone. Both
// readers of the array form (the fast one and encoding/json's) keep the
// fields as sent and choose the sender's address among them.
func TestTagFormEmailByNameAndLabel(t *testing.T) {
	for _, c := range []struct {
		name, body, want string
		fields           map[string]any
		tag              any
	}{
		{"referrer first", formReferrerFirst, "newcomer@example.jp",
			map[string]any{"referrer_mail": "referrer@example.jp", "email": "newcomer@example.jp", "お名前": "新規 太郎"}, "referrer@example.jp"},
		{"labelled field_3", formLabelledField, "form2user@example.jp",
			map[string]any{"field_1": "購読する", "field_3": "form2user@example.jp", "field_2": "二号 花子"}, nil},
	} {
		for _, slow := range []bool{false, true} {
			var evs []Event
			var err error
			if slow {
				evs, err = parseStd([]byte(c.body), Browser, "", meta())
			} else {
				evs, _, _, err = ParseEach([]byte(c.body), Browser, meta())
			}
			if err != nil || len(evs) != 1 {
				t.Fatalf("%s slow %v: %d events, %v", c.name, slow, len(evs), err)
			}
			ev := evs[0]
			if got := ev.Email(); got != c.want {
				t.Errorf("%s slow %v: the form identifies %q, want %q", c.name, slow, got, c.want)
			}
			if f := formFields(ev.Properties); !reflect.DeepEqual(f, c.fields) {
				t.Errorf("%s slow %v: fields stored %v, want them as sent %v", c.name, slow, f, c.fields)
			}
			if tag := ev.Properties[TagEmailProperty]; tag != c.tag {
				t.Errorf("%s slow %v: tagEmail %#v, want %#v", c.name, slow, tag, c.tag)
			}
		}
	}
}

// TestFormEmailChoice: which field of a form is its sender's address, by
// name and label, whatever the map's order; the tag's pick (tagEmail) only
// where no field says plainly, and never an address a field gives as
// someone else's.
func TestFormEmailChoice(t *testing.T) {
	for _, c := range []struct {
		name   string
		fields map[string]any
		labels map[string]any
		tag    string
		want   string
	}{
		{"referrer's before the sender's", map[string]any{"referrer_mail": "ref@a.example", "email": "me@b.example"},
			map[string]any{"referrer_mail": "ご紹介者のメールアドレス", "email": "メールアドレス"}, "ref@a.example", "me@b.example"},
		{"a machine name labelled メールアドレス", map[string]any{"field_1": "購読する", "field_3": "me@b.example"},
			map[string]any{"field_1": "メールマガジンの購読", "field_3": "メールアドレス"}, "", "me@b.example"},
		{"a label with asides and marks", map[string]any{"text-9": "Me@B.example"}, map[string]any{"text-9": "E-mail【必須】"}, "", "me@b.example"},
		{"a label beats a qualified name", map[string]any{"work_email": "w@b.example", "input_4": "me@b.example"},
			map[string]any{"input_4": "メールアドレス（半角英数字）"}, "", "me@b.example"},
		{"the field named email, labelled as a referrer's", map[string]any{"email": "ref@a.example", "your-email": "me@b.example"},
			map[string]any{"email": "メールアドレス（ご紹介者）", "your-email": "メールアドレス"}, "", "me@b.example"},
		{"a manager's by label", map[string]any{"field_2": "boss@a.example", "field_1": "me@b.example"},
			map[string]any{"field_2": "ご担当者の上長のメールアドレス", "field_1": "メールアドレス"}, "boss@a.example", "me@b.example"},
		{"ご担当者 is the sender", map[string]any{"tanto_mail": "me@b.example"}, map[string]any{"tanto_mail": "ご担当者様メールアドレス"}, "", "me@b.example"},
		{"someone else's alone identifies nobody", map[string]any{"manager_email": "boss@a.example"}, nil, "boss@a.example", ""},
		{"a colleague to copy, full-width", map[string]any{"f1": "cc@a.example"}, map[string]any{"f1": "ＣＣ（同僚）"}, "cc@a.example", ""},
		{"a camel-cased referrer", map[string]any{"referrerEmail": "ref@a.example"}, nil, "ref@a.example", ""},
		{"type=email, no label: the tag's pick", map[string]any{"f9": "me@b.example", "company": "Acme"}, nil, "me@b.example", "me@b.example"},
		{"the tag's pick before a qualified name", map[string]any{"work_email": "w@b.example", "f9": "me@b.example"}, nil, "me@b.example", "me@b.example"},
		{"no pick: a qualified name", map[string]any{"work_email": "w@b.example", "f9": "me@b.example"}, nil, "", "w@b.example"},
		{"a pick that is no address", map[string]any{"mailmag": "受け取る", "email": "me@b.example"}, nil, "", "me@b.example"},
		{"preferred is no referrer", map[string]any{"preferred_email": "me@b.example"}, nil, "", "me@b.example"},
		{"full-width address by label", map[string]any{"field_7": "ｍｅ＠ｂ．ｅｘａｍｐｌｅ"}, map[string]any{"field_7": "Ｅメール"}, "", "me@b.example"},
		{"no address", map[string]any{"field_1": "購読する"}, map[string]any{"field_1": "メールマガジン"}, "", ""},
		{"typed with the sentence's period (IME)", map[string]any{"email": "taro@example.co.jp。"}, nil, "taro@example.co.jp。", "taro@example.co.jp"},
		{"a full-width period, by the tag's pick", map[string]any{"f2": "taro@example.co.jp．"}, nil, "taro@example.co.jp．", "taro@example.co.jp"},
	} {
		props := map[string]any{"fields": c.fields}
		if c.labels != nil {
			props["labels"] = c.labels
		}
		if c.tag != "" {
			props[TagEmailProperty] = c.tag
		}
		for range 30 { // a map's order differs from one range to the next
			ev := Event{Type: FormSubmit, Properties: props}
			if got := ev.Email(); got != c.want {
				t.Fatalf("%s: Email() = %q, want %q", c.name, got, c.want)
			}
		}
	}
}
