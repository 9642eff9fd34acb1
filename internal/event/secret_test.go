package event

import (
	"encoding/json"
	"strings"
	"testing"
)

// secretFieldNames are field names that hold secrets, as forms (English,
// Japanese, autocomplete tokens, builders' and frameworks' spellings) and
// backends name them.
var secretFieldNames = []string{
	"password", "Password", "PASSWORD", "passwd", "pass", "pwd", "pw", "PW", "pw2", "user_pw", "userPw", "login-pw", "pw_confirm",
	"new-password", "current-password", "password_confirmation", "user[password]", "secret", "client_secret", "token", "api_token",
	"csrf", "_csrf", "xsrf-token", "cvc", "cvv", "cvv2", "ccv", "cvn", "CVN", "card", "card_number", "cardNumber", "card_no",
	"creditcard", "cc", "CC", "ccn", "csc", "cc-number", "cc-csc", "cc-exp", "cc-name", "cc_num", "ccnum", "ccNumber", "CCNumber",
	"pin", "PIN", "pin_code", "pincode", "PINCode", "otp", "otp_code", "one-time-code", "oneTimeCode", "security_code",
	"securityCode", "ssn", "iban", "IBAN", "bank_account", "bankAccount", "routing_number", "api_key", "apiKey", "access-key",
	"private_key", "my_number", "myNumber", "mynumber", "g-recaptcha-response", "h-captcha-response", "cf-turnstile-response",
	"_wpcf7_recaptcha_response", "_wpnonce", "captcha_code", "captchaAnswer", "画像認証コード", "nonce", "csrf_nonce", "form-nonce",
	"formNonce",
	"パスワード", "パスワード（確認）", "ﾊﾟｽﾜｰﾄﾞ", "暗証番号", "カード番号", "クレジットカード", "ｶｰﾄﾞ番号", "セキュリティコード",
	"セキュリティーコード", "マイナンバー", "個人番号", "口座番号", "秘密の質問", "合言葉", "認証コード", "確認コード", "ワンタイムパスワード",
	"暗号", "ＰＡＳＳＷＯＲＤ", "ｐｗ", "Ｃａｒｄ", "paſsword", "card\u030c", "\u212Aey_pw",
	// Credentials (an attacker review found these stored): an
	// Authorization header's value, a JWT, sign-in and recovery codes.
	"authorization", "Authorization", "jwt", "id_jwt", "credential", "credentials", "bearer_token", "verification_code",
	"verificationCode", "mfa_code", "mfa", "totp", "two_factor_code", "recovery_code", "backup_code",
}

// innocentFieldNames are field names forms use for what they may store: none
// of them a secret, some holding a secret word's letters across words or
// inside another.
var innocentFieldNames = []string{
	"email", "name", "company", "title", "department", "phone", "tel", "message", "authority", "budget", "need", "timeframe",
	"session", "seminar_session", "code", "zipcode", "postal_code", "campaign_code", "group_assignment", "topic_assistance",
	"accounting", "account", "account_number", "accept", "success", "occupation", "spin", "pinterest", "pinned", "shopping",
	"option", "photo", "cvs", "acc_num", "acc_number", "company_name", "会社名", "氏名", "役職", "電話番号", "お問い合わせ内容",
	"ご質問", "郵便番号", "住所", "text-123", "your-field-7", "field_5", "", "utm_source", "key", "auth", "sid",
	"announcement", "announce", "response", "your-response", "turn", "style", "nonconformance", "annonce", "type_annonce",
	"nonCertified", "isNonCertifiedProduct", "turnstile", "product_turnstile", "nonces_count",
	// A seminar's session chosen in a form, and an account with a vendor.
	"session_id", "seminar_session_id", "authority_level", "decision_authority",
}

func TestSecretField(t *testing.T) {
	for _, n := range secretFieldNames {
		if !SecretField(n) {
			t.Errorf("SecretField(%q) = false: a secret", n)
		}
	}
	for _, n := range innocentFieldNames {
		if SecretField(n) {
			t.Errorf("SecretField(%q) = true: no secret", n)
		}
	}
	// Labels are read as names are: what the visitor was asked.
	for _, l := range []string{"Password", "Card number", "Your PIN", "パスワード *", "クレジットカード番号（必須）", "セキュリティコード（3桁）"} {
		if !SecretField(l) {
			t.Errorf("label %q not a secret", l)
		}
	}
	for _, l := range []string{"Company name", "会社名 *", "Job title", "ご担当者名", "Phone (daytime)"} {
		if SecretField(l) {
			t.Errorf("label %q taken for a secret", l)
		}
	}
}

// TestSecretTokenWhateverItsCase: a word of two or three letters that is
// a secret token is one however its letters are cased: the camel-case
// split (userPw is user and Pw) cut "cC-number" into c and C, so the
// collector stored a field the tag refuses (\bcc- with /i; tag
// FuzzServerRefusesWhatTheTagRefuses), and "pIN" as p and IN.
func TestSecretTokenWhateverItsCase(t *testing.T) {
	for _, n := range []string{"cC-", "cC-number", "cC-csc", "x_cC-exp", "pIN", "pW", "oTp", "sSN", "cVn", "my pIN"} {
		if !SecretField(n) {
			t.Errorf("SecretField(%q) = false: a secret", n)
		}
	}
	// Still words: a longer run is no token (iPhone, cClass), nor one
	// inside it.
	for _, n := range []string{"iPhone", "cClass", "oTpx", "ssNo", "pInterest"} {
		if SecretField(n) {
			t.Errorf("SecretField(%q) = true: no secret", n)
		}
	}
}

// TestFormSentAgainStoredAlike: a contact form sent twice with the same
// values stores the same properties although its CAPTCHA answer and
// nonce (new on every send) differ: the scoring's resubmit check compares
// them, and a double click on 送信 scored contact-form's points twice.
func TestFormSentAgainStoredAlike(t *testing.T) {
	stored := func(captcha, nonce string) string {
		body := `[["a1",false,"m-` + nonce + `",1,"www","s","taro@example.co.jp",["https://www.example.com/contact","お問い合わせ",` +
			`{"company":"株式会社サンプル","message":"資料をください","g-recaptcha-response":"` + captcha + `","_wpnonce":"` + nonce + `",` +
			`"cf-turnstile-response":"0.` + captcha + `"},"contact","","",{}],1764000000000],1764000000000]`
		evs, err := Parse([]byte(body), Browser, "", meta())
		if err != nil || len(evs) != 1 {
			t.Fatalf("%v %v", evs, err)
		}
		p, _ := json.Marshal(evs[0].Properties)
		return string(p)
	}
	a, b := stored("03AFcWeA5x", "9f86d08188"), stored("03AFcWeA7q", "4e07408562")
	if a != b {
		t.Errorf("one form's two sends stored differently:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, "資料をください") || strings.Contains(a, "03AF") || strings.Contains(a, "9f86") {
		t.Errorf("stored %s", a)
	}
}

func TestCardNumber(t *testing.T) {
	cards := []string{
		"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", " 5500005555555559 ", "378282246310005", "3782 822463 10005",
		"3530111333300000", "30569309025904", "6011111111111117", "4222222222222", "6250941006528599", "6759649826438453",
		"4111111111111111110", // 19 digits
		"４１１１　１１１１　１１１１　１１１１", "４１１１－１１１１－１１１１－１１１１", "4111ー1111ー1111ー1111", "4111‐1111‐1111‐1111",
	}
	for _, c := range cards {
		if !CardNumber(c) {
			t.Errorf("CardNumber(%q) = false", c)
		}
	}
	notCards := []string{
		"4111111111111112",     // Luhn fails
		"411111111111",         // 12 digits
		"41111111111111111113", // 20 digits
		"0411111111111111",     // no card starts with 0
		"09012345678", "03-1234-5678", "+81 90 1234 5678", "+4111111111111111",
		"4111  1111 1111 1111", "4111 1111 1111 1111 x", "4111 1111 1111 111-", "-4111111111111111", "4111.1111.1111.1111",
		"", "abc", "2026-12-02", "1", "0000000000000000",
	}
	for _, c := range notCards {
		if CardNumber(c) {
			t.Errorf("CardNumber(%q) = true", c)
		}
	}
}

func TestRedactCards(t *testing.T) {
	cases := map[string]string{
		"my card is 4111 1111 1111 1111, exp 12/29":      "my card is [card number], exp 12/29",
		"カード４１１１－１１１１－１１１１－１１１１で支払います":                   "カード[card number]で支払います",
		"Tel 03-1234-5678 card 4111111111111111":         "Tel 03-1234-5678 card [card number]",
		"two: 4111111111111111 and 5500-0055-5555-5559.": "two: [card number] and [card number].",
		"call 0120 123 456 4111 1111 1111 1111":          "call 0120 123 456 [card number]",
		"ID4111111111111111X":                            "ID[card number]X",
		"4111111111111111":                               "[card number]",
		"pi 3.14159265358979323 and +81 90 1234 5678 ok": "",
		"order 4111111111111112 is not a card":           "",
		"1,234,567,890,123,456 yen":                      "",
		"20 digits 41111111111111111113":                 "",
		"株式会社サンプル　営業部":                                   "",
		// An address as a whole is the address, whatever its digits
		// (the load test's run id and visitor: 13+ digits, Luhn-valid);
		// within a text, a card number before an @ is still redacted.
		"person-18ed819686603546-22@load.example.com": "",
		"person-4111111111111111@example.com":         "",
		"write to 4111111111111111@example.com":       "write to [card number]@example.com",
	}
	for in, want := range cases {
		got, ok := RedactCards(in)
		if want == "" {
			if ok || got != in {
				t.Errorf("RedactCards(%q) = %q, %v: nothing to redact", in, got, ok)
			}
			continue
		}
		if !ok || got != want {
			t.Errorf("RedactCards(%q) = %q, %v, want %q", in, got, ok, want)
		}
	}
}

func FuzzSecrets(f *testing.F) {
	for _, s := range append(append([]string{"4111 1111 1111 1111", "x 5500-0055-5555-5559 y", "４１１１１１１１１１１１１１１１", "⁴¹¹¹ ¹¹¹¹ ¹¹¹¹ ¹¹¹¹", "④①①①①①①①①①①①①①①①"}, secretFieldNames...), innocentFieldNames...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		SecretField(s)
		out, ok := RedactCards(s)
		if !ok && out != s {
			t.Fatalf("RedactCards(%q) changed it to %q without saying so", s, out)
		}
		if again, changed := RedactCards(out); changed {
			t.Fatalf("RedactCards(%q) = %q left a card number: %q", s, out, again)
		}
		if CardNumber(s) && !ok {
			t.Fatalf("CardNumber(%q), but RedactCards left it", s)
		}
		// digitRun, read before normalising, passes over nothing the
		// normalised text would show.
		if _, changed := RedactCards(cardForm(s)); changed && !ok {
			t.Fatalf("RedactCards(%q) left a card its NFKC form shows", s)
		}
		if CardNumber(cardForm(s)) && !CardNumber(s) {
			t.Fatalf("CardNumber(%q) false, true of its NFKC form", s)
		}
		if CardNumber(out) {
			t.Fatalf("RedactCards(%q) = %q, a card number", s, out)
		}
	})
}

// TestSecretsNeverStored: whatever sends a form's fields or a person's
// traits (the tag's array and compact forms, the Segment API's track,
// identify and batch), a field named or labelled for a secret, or whose
// value is a card number, is gone from the event parsed, with its label;
// card numbers in other text are redacted; the rest stays as sent.
func TestSecretsNeverStored(t *testing.T) {
	secretFields := `"password":"hunter2","pw":"hunter3","card_no":"5500005555555559","cvc":"123","パスワード":"himitsu1","カード番号":"4111111111111111",` +
		`"暗証番号":"1234","マイナンバー":"123456789012","口座番号":"7654321","cc-number":"378282246310005","new-password":"hunter4",` +
		`"text-9":"secret-answer","member_no":"M-778","memo":"4222222222222","amount":6011111111111117`
	kept := `"email":"taro@example.co.jp","company":"Acme","message":"card 4111 1111 1111 1111 please","phone":"+81 90 1234 5678","employees":300`
	labels := `"labels":{"text-9":"秘密の質問の答え","company":"会社名","password":"パスワード","member_no":"会員番号"}`
	leaks := []string{"hunter", "himitsu", "4111", "5500", "3782", "4222", "6011", "123456789012", "7654321", "M-778", `"123"`, `"1234"`}
	ms := "1764000000000"
	bodies := []struct {
		name   string
		src    Source
		body   string
		traits bool
	}{
		{"tag array", Browser, `[["a1",false,"m1",1,"www","s","taro@example.co.jp",["https://www.example.com/c","C",{` + secretFields + `,` + strings.Replace(kept, `"email":"taro@example.co.jp",`, "", 1) + `},"contact","","",{"text-9":"秘密の質問の答え","company":"会社名","password":"パスワード","member_no":"会員番号"}],` + ms + `],` + ms + `]`, false},
		{"tag compact", Browser, `{"b":[{"t":"form_submit","i":"m2","a":"a2","p":{"url":"https://www.example.com/c","fields":{` + secretFields + `,` + kept + `},` + labels + `},"ts":` + ms + `}],"sent":` + ms + `}`, false},
		{"segment track", Server, `{"type":"track","event":"form_submit","userId":"u1","properties":{"url":"https://www.example.com/c","form":{"id":"c"},"fields":{` + secretFields + `,` + kept + `},` + labels + `}}`, false},
		{"segment batch", Server, `{"batch":[{"type":"track","event":"form_submit","userId":"u1","properties":{"url":"https://www.example.com/c","fields":{` + secretFields + `,` + kept + `},` + labels + `}}]}`, false},
		{"segment identify", Server, `{"type":"identify","userId":"u1","traits":{` + secretFields + `,` + kept + `,"company_info":{"name":"Acme","card":"x","notes":["4111111111111111","ok",6011111111111117]}}}`, true},
		{"identify context traits", Server, `{"type":"identify","userId":"u1","context":{"traits":{` + secretFields + `,` + kept + `,"company_info":{"name":"Acme","card":"x","notes":["4111111111111111","ok",6011111111111117]}}}}`, true},
	}
	for _, b := range bodies {
		t.Run(b.name, func(t *testing.T) {
			evs, err := Parse([]byte(b.body), b.src, "", Meta{ReceivedAt: recv, Scrub: Scrubber{Params: []string{"member_no"}}})
			if err != nil || len(evs) != 1 {
				t.Fatalf("%v %d", err, len(evs))
			}
			ev := evs[0]
			got := ev.Traits
			if !b.traits {
				got = formFields(ev.Properties)
			}
			ev.ID = "" // generated at random: it spelt 5500 one run in a few thousand
			stored, _ := json.Marshal(ev)
			if !b.traits && strings.Contains(string(stored), "secret-answer") {
				t.Errorf("a field labelled a secret is stored: %s", stored)
			}
			for _, l := range leaks {
				if strings.Contains(string(stored), l) {
					t.Errorf("%s is stored: %s", l, stored)
				}
			}
			want := map[string]any{"email": "taro@example.co.jp", "company": "Acme", "message": "card [card number] please", "phone": "+81 90 1234 5678", "employees": 300.0}
			if b.name == "tag array" { // the tag's address is its own property: the fields as sent
				delete(want, "email")
				if ev.Properties[TagEmailProperty] != "taro@example.co.jp" {
					t.Errorf("tagEmail = %#v", ev.Properties[TagEmailProperty])
				}
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %#v, want %#v (%v)", k, got[k], v, got)
				}
			}
			if b.traits {
				// No labels: text-9 is no secret here.
				if len(got) != len(want)+2 || got["text-9"] != "secret-answer" {
					t.Errorf("traits %v", got)
				}
				ci, _ := got["company_info"].(map[string]any)
				notes, _ := ci["notes"].([]any)
				if ci["name"] != "Acme" || ci["card"] != nil || len(notes) != 3 || notes[0] != "[card number]" || notes[1] != "ok" || notes[2] != "[card number]" {
					t.Errorf("nested traits %v", ci)
				}
				return
			}
			if len(got) != len(want) {
				t.Errorf("fields %v", got)
			}
			if l := ev.Labels(); len(l) != 1 || l["company"] != "会社名" {
				t.Errorf("labels %v: only those of the fields kept", l)
			}
			if ev.Email() != "taro@example.co.jp" {
				t.Errorf("email %q", ev.Email())
			}
		})
	}
}

// BenchmarkFormSecrets: what the secret rules cost a form submit, beside
// parsing it, in one run: "parse" is Parse of the tag's array form of a
// ten-field Japanese contact form (the rules included), "rules" the rules
// alone on its fields and labels (what dropSecrets reads, without
// changing them). go test -bench FormSecrets ./internal/event
func BenchmarkFormSecrets(b *testing.B) {
	fields := `{"company":"株式会社サンプル","name":"山田 太郎","title":"情報システム部 部長","department":"情報システム部","phone":"03-1234-5678",` +
		`"employees":"300名","industry":"製造業","message":"生産管理システムの刷新を検討しています。来期の予算は確保済みで、2026年4月の導入を目指しています。","text-123":"東京都港区","menu-4":"資料請求"}`
	labels := `{"company":"会社名","name":"お名前","title":"役職","department":"部署名","phone":"電話番号","employees":"従業員数","industry":"業種","message":"お問い合わせ内容","text-123":"ご住所","menu-4":"お問い合わせ種別"}`
	body := []byte(`[["a1",false,"m1",1,"www","s","taro@example.co.jp",["https://www.example.com/contact","お問い合わせ",` + fields + `,"contact","","",` + labels + `],1764000000000],1764000000000]`)
	evs, err := Parse(body, Browser, "", meta())
	if err != nil || len(formFields(evs[0].Properties)) != 11 {
		b.Fatalf("%v %v", evs, err)
	}
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		m := meta()
		for b.Loop() {
			if _, err := Parse(body, Browser, "", m); err != nil {
				b.Fatal(err)
			}
		}
	})
	f, l := formFields(evs[0].Properties), evs[0].Labels()
	b.Run("rules", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for k, v := range f {
				if secretEntry(k, v) || SecretField(l[k]) {
					b.Fatal(k)
				}
				if s, ok := v.(string); ok {
					if _, ok := RedactCards(s); ok {
						b.Fatal(k)
					}
				}
			}
		}
	})
}

// BenchmarkSecretField: a name's check, as every URL parameter and form
// field has it, without allocating: ASCII names (a URL's parameters, most
// forms') and Japanese ones (labels), which are read NFKC-normalised too.
func BenchmarkSecretField(b *testing.B) {
	for _, c := range []struct {
		name  string
		names []string
	}{
		{"ascii", []string{"utm_source", "utm_medium", "utm_campaign", "gclid", "ref", "company", "your-message", "text-123"}},
		{"japanese", []string{"会社名", "お名前", "役職", "部署名", "電話番号", "従業員数", "お問い合わせ内容", "ご住所"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, n := range c.names {
					if SecretField(n) {
						b.Fatal(n)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(c.names)), "ns/name")
		})
	}
}
