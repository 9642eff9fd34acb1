package event

import (
	"strings"
	"testing"
)

func TestScrubURL(t *testing.T) {
	s := Scrubber{Params: []string{"member_no"}}
	for _, c := range []struct{ in, want string }{
		{"https://www.example.com/thanks.html?name=Taro&password=hunter2&csrf_token=abc&email=taro%40example.co.jp&utm_source=google",
			"https://www.example.com/thanks.html?name=Taro&utm_source=google"},
		{"https://www.example.com/reset?token=s3cr3t&lang=ja", "https://www.example.com/reset?lang=ja"},
		{"https://www.example.com/a?PHPSESSID=1&SessionId=2&api_key=3&code=4&sid=5&member_no=77&x=1", "https://www.example.com/a?x=1"},
		{"https://www.example.com/u/taro@example.com/profile", "https://www.example.com/u/redacted/profile"},
		{"https://www.example.com/p#access_token=abc&state=1", "https://www.example.com/p#state=1"},
		{"https://www.example.com/p#contact-taro@example.com", "https://www.example.com/p"},
		// A single-page app's hash route holds its own query (Vue Router's
		// and Angular's hash modes): its parameters are read after the "?",
		// and the route stays.
		{"https://www.example.com/app/#/callback?code=SPLxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj", "https://www.example.com/app/#/callback?state=af0ifjsldkj"},
		{"https://www.example.com/app/#/verify?otp=123456", "https://www.example.com/app/#/verify?"},
		{"https://www.example.com/app/#/reset?token=s3cr3t&lang=ja", "https://www.example.com/app/#/reset?lang=ja"},
		{"https://www.example.com/app/#/pricing?plan=pro", "https://www.example.com/app/#/pricing?plan=pro"},
		{"https://www.example.com/pricing?plan=pro&utm_campaign=x", "https://www.example.com/pricing?plan=pro&utm_campaign=x"},
		{"https://www.example.com/検索?q=%E6%A0%AA%E5%BC%8F", "https://www.example.com/検索?q=%E6%A0%AA%E5%BC%8F"},
		{"https://www.example.com/?card_number=4111111111111111&cvv=123", "https://www.example.com/"},
		{"https://www.example.com/?next=%2Fmail%3Fto%3Djiro%40example.org", "https://www.example.com/"},
		// A JSON Web Token, a CAS ticket, S3's signed credential, and the
		// email tools' tokens that name the recipient (Marketo, HubSpot).
		{"https://www.example.com/sso?jwt=eyJhbGciOiJIUzI1NiJ9.e30.x&ticket=ST-1-abc&lang=ja", "https://www.example.com/sso?lang=ja"},
		{"https://bucket.s3.amazonaws.com/report.pdf?X-Amz-Credential=AKIAEXAMPLE%2F20261201&X-Amz-Signature=ab&X-Amz-Security-Token=cd&v=2", "https://bucket.s3.amazonaws.com/report.pdf?v=2"},
		{"https://www.example.com/webinar?mkt_tok=MDAxLUFCQy0xMjM&_hsenc=p2ANqtz-8&_hsmi=1234&utm_medium=email", "https://www.example.com/webinar?utm_medium=email"},
	} {
		if got := s.URL(c.in); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func FuzzScrubURL(f *testing.F) {
	f.Add("https://www.example.com/?password=x&a=b")
	f.Add("https://a.example/u/x@y.example#token=1")
	f.Fuzz(func(t *testing.T, raw string) {
		var s Scrubber
		out := s.URL(raw)
		if strings.Contains(strings.ToLower(out), "password=") && strings.Contains(strings.ToLower(raw), "?") && checkURL(raw, true) == nil {
			if q := out[strings.Index(out, "?")+1:]; strings.HasPrefix(strings.ToLower(q), "password=") {
				t.Fatalf("%q kept a password parameter: %q", raw, out)
			}
		}
		if again := s.URL(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, out, again)
		}
	})
}

// scrubCorpus are names, values and URLs where the hand-written matchers
// and the regular expressions they stand for could part.
var scrubCorpus = []string{
	"password", "PassWD", "pwd", "x_token", "Secret", "CSRF", "xsrf-t", "PHPSESSID", "sess_id", "sessid", "sessXid", "OAuth",
	"apiKey", "api_key", "api-key", "AccessKey", "access_key", "private_key", "privatekey", "cardno", "CVC", "cvv2", "ccv", "IBAN",
	"ssn", "x-signature", "sig", "SIG", "sig2", "sid", "Sid", "asid", "code", "Code", "zipcode", "otp", "pin", "Pin", "spin", "key",
	"KEY", "keys", "cc", "CC", "acc", "ſession", "\u212Aey", "ſig", "paſs", "passw\u00f6rd", "名前", "", "q", "utm_source",
	strings.Repeat("a", 64) + "token", strings.Repeat("a", 70), strings.Repeat("a", 63) + "ü",
	"a@b.co", "a%40b.co", "A%40B.CO", "x@y", "@", "%40", "taro@example.co.jp", "mail a@b.cc@d.ee", "a@b.c", "1@2.ab",
	"https://a.example/", "https://a.example/u/a@b.example/x", "https://a.example/u/a%40b.example", "https://u:p@a.example/",
	"https://a.example/?x=1&token=2", "https://a.example/#a=1&code=2", "https://a.example/#mail-a@b.example", "mailto:a@b.example",
	"https://a.example/?q=%zz&password=1", "https://a.example/p?ſession=1&\u212Aey=2", "%", "https://a.example/%",
	"https://a.example/?utm_source=a&utm_medium=b&utm_campaign=c&utm_term=d&utm_content=e", "https://a.example/?%75tm_source=x",
	"https://a.example/?utm%5Fsource=y&utm_source=z", "https://a.example/?utm_source=a;b&utm_medium=%zz&utm_term=+t+",
	"https://a.example/#?utm_source=f", "utm_source=x", "?utm_source=x",
	"https://a.example/#/cb?code=1&state=2", "https://a.example/#/r?token=1", "https://a.example/#/r?x=1?pin=2", "https://a.example/#/a=b?c=d&key=1",
	"https://x.example/u/jane%2540example.com", "https://x.example/u/jane%252540example.com", "https://x.example/%25",
	// A query read without url.Parse (no "#", "@" or "%"): the first
	// "?" starts it, a repeated utm parameter's first value is the one.
	"https://a.example/?a=1?token=2", "https://a.example/?utm_source=&utm_source=b&&utm_medium=m", "https://a.example/?",
	"https://a.example/??token", "https://a.example/?utm_source=a;&utm_source=b", "https://a.example/?utm_source=x%zz&utm_source=y",
	"https://a.example/?utm_source=" + strings.Repeat("s", 300), "https://a.example/?" + strings.Repeat("&", 1200) + "utm_source=x",
	"https://a.example/?" + strings.Repeat("a&", 12000) + "utm_source=x", "https://a.example/?x=1&Token=2&y=3",
	// Addresses as NormalizeEmail reads them, path parameters, user info,
	// names in Japanese or folded.
	"taro＠example.jp", "taro﹫example.jp", "山田@example.jp", "taro@例え.jp", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro\u200b@example.jp",
	"taro％４０example.jp", "taro%EF%BC%A0example.jp", "パスワード", "ﾊﾟｽﾜｰﾄﾞ", "ｐａｓｓｗｏｒｄ", "pass\u200bword", "pw", "pwa", "暗証番号", "名前",
	"https://a.example/u/taro＠example.jp/x", "https://a.example/u/ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "https://a.example/u/%E5%B1%B1%E7%94%B0%40example.jp",
	"https://a.example/u/taro％４０example.jp", "https://a.example/?e=taro＠example.jp&x=1", "https://a.example/?e=taro%EF%BC%A0example.jp",
	"https://a.example/a;jsessionid=ABC?x=1", "https://a.example/a;jsessionid=ABC;v=1/b;token=2", "https://a.example/a;b;c", "https://a.example/;=;",
	"https://a.example/a;e=taro%40example.jp", "https://a.example/a%3Bjsessionid=1", "https://a.example/a;%zz=1", "https://a.example/a;jsessionid",
	"https://taro%40example.jp:hunter2@a.example/", "https://user@a.example/", "https://:@a.example/", "https://a.example/?%E3%83%91%E3%82%B9%E3%83%AF%E3%83%BC%E3%83%89=z",
	"https://a.example/#e=taro＠example.jp", "https://a.example/#taro\u00ad@example.jp", "https://a.example/検索?pw=1",
	"taro%４０example.jp", "taro﹪40example.jp", "株式会社%40例.jp",
	"taro@例え。jp", "taro@example｡jp", "https://a.example/u/taro@例え。jp/x", "https://a.example/?e=taro@example%E3%80%82jp", "お問い合わせ。ありがとう@",
}

// TestScrubSameAsRegexp: isSecretName and hasEmail answer as the regular
// expressions on folded text, Scrubber.URL and ParseUTM as the oracle's
// (scrub_oracle_test.go: the scrubber without shortcuts).
func TestScrubSameAsRegexp(t *testing.T) {
	for _, s := range scrubCorpus {
		sameScrub(t, s)
	}
}

func sameScrub(t *testing.T, s string) {
	t.Helper()
	if got, want := isSecretName(s), plainIsSecret(s); got != want {
		t.Fatalf("isSecretName(%q) = %v, secretName says %v", s, got, want)
	}
	if got, want := hasEmail(s), plainHasEmail(s); got != want {
		t.Fatalf("hasEmail(%q) = %v, emailish says %v", s, got, want)
	}
	if isASCII(s) && emailASCII.MatchString(s) != emailish.MatchString(s) {
		t.Fatalf("emailASCII and emailish part on %q", s)
	}
	sc := Scrubber{Params: []string{"member_no"}}
	if got, want := sc.URL(s), plainScrubURL(sc, s); got != want {
		t.Fatalf("URL(%q) = %q, oracle %q", s, got, want)
	}
	if got, want := ParseUTM(s), plainParseUTM(s); got != want {
		t.Fatalf("ParseUTM(%q) = %+v, oracle %+v", s, got, want)
	}
}

func FuzzScrubSame(f *testing.F) {
	for _, s := range scrubCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { sameScrub(t, s) })
}

// TestScrubAddressesBatonReads: the scrubber promises that no stored URL
// keeps an email address or a secret, but it missed addresses Baton itself
// reads as addresses (NormalizeEmail takes a full-width "＠", as a Japanese
// input method in full-width mode types it, and a UTF-8 local part), a
// servlet session id in the path (";jsessionid=", Tomcat's URL rewriting),
// credentials in the URL's user info, and secrets named in Japanese.
func TestScrubAddressesBatonReads(t *testing.T) {
	for _, a := range []string{"taro＠example.jp", "山田@example.jp", "taro@例え。jp"} {
		if _, err := NormalizeEmail(a); err != nil {
			t.Fatalf("Baton no longer reads %q as an address: %v", a, err)
		}
	}
	s := Scrubber{Params: []string{"member_no"}}
	for _, c := range []struct{ in, want string }{
		{"https://www.example.com/a?e=taro＠example.jp", "https://www.example.com/a"},
		{"https://www.example.com/a?e=taro%EF%BC%A0example.jp", "https://www.example.com/a"},
		{"https://www.example.com/a?e=taro%EF%BC%A0example.jp&x=1", "https://www.example.com/a?x=1"},
		{"https://www.example.com/a?e=%E5%B1%B1%E7%94%B0%40example.jp", "https://www.example.com/a"},
		{"https://www.example.com/a?e=ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ&lang=ja", "https://www.example.com/a?lang=ja"},
		{"https://www.example.com/a?e=taro%E2%80%8B%40example.jp", "https://www.example.com/a"}, // zero-width space before the @
		{"https://www.example.com/a?e=taro%EF%B9%ABexample.jp", "https://www.example.com/a"},    // small commercial at
		{"https://www.example.com/a?e=taro@%E4%BE%8B%E3%81%88.%E3%81%BF%E3%82%93%E3%81%AA", "https://www.example.com/a"},
		{"https://www.example.com/a?e=a!@b.example&x=1", "https://www.example.com/a?x=1"},
		// The ideographic full stop a Japanese input method types for "."
		// (and its half-width form), which IDNA reads as one.
		{"https://www.example.com/a?e=taro@%E4%BE%8B%E3%81%88%E3%80%82jp&x=1", "https://www.example.com/a?x=1"},
		{"https://www.example.com/u/taro@example%EF%BD%A1jp/x", "https://www.example.com/u/redacted/x"},
		{"https://www.example.com/a?v=react@18.2.0", "https://www.example.com/a?v=react@18.2.0"}, // a version, no address
		{"https://www.example.com/demo/?mail=hanako%EF%BC%A0example.jp", "https://www.example.com/demo/"},
		{"https://www.example.com/a#e=taro＠example.jp&x=1", "https://www.example.com/a#x=1"},
		{"https://www.example.com/a#contact-taro＠example.jp", "https://www.example.com/a"},
		// Paths: the address goes, the rest of the path keeps its encoding.
		{"https://www.example.com/%E6%A4%9C%E7%B4%A2/u/taro＠example.jp/x", "https://www.example.com/%E6%A4%9C%E7%B4%A2/u/redacted/x"},
		{"https://www.example.com/u/%E5%B1%B1%E7%94%B0%40example.jp", "https://www.example.com/u/redacted"},
		{"https://www.example.com/u/ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ/ｐ", "https://www.example.com/u/redacted/%EF%BD%90"},
		{"https://www.example.com/u/a%2Fb@example.jp/x", "https://www.example.com/u/redacted/x"},
		{"https://medium.example/@jane.doe", "https://medium.example/@jane.doe"}, // no local part: a handle
		// Path parameters.
		{"https://www.example.com/a;jsessionid=ABCDEF123?x=1", "https://www.example.com/a?x=1"},
		{"https://www.example.com/a;JSESSIONID=1;v=2/b;token=3;member_no=4/c", "https://www.example.com/a;v=2/b/c"},
		{"https://www.example.com/a;e=taro%40example.jp/b", "https://www.example.com/a/b"},
		{"https://www.example.com/a;v=1;b/c", "https://www.example.com/a;v=1;b/c"},
		{"https://www.example.com/a%3Bjsessionid=1", "https://www.example.com/a%3Bjsessionid=1"}, // an escaped ";" is no parameter
		// User info.
		{"https://taro%40example.jp:hunter2@www.example.com/a", "https://www.example.com/a"},
		{"https://admin@www.example.com/a?x=1", "https://www.example.com/a?x=1"},
		{"https://:hunter2@www.example.com/", "https://www.example.com/"},
		// Secrets named in short or in Japanese, folded.
		{"https://www.example.com/?pw=hunter2&x=1", "https://www.example.com/?x=1"},
		{"https://www.example.com/?%E3%83%91%E3%82%B9%E3%83%AF%E3%83%BC%E3%83%89=z&x=1", "https://www.example.com/?x=1"},
		{"https://www.example.com/?パスワード=z&暗証番号=1&x=1", "https://www.example.com/?x=1"},
		{"https://www.example.com/?ﾊﾟｽﾜｰﾄﾞ=z&ｐａｓｓｗｏｒｄ=y&pass%E2%80%8Bword=w&x=1", "https://www.example.com/?x=1"},
		{"https://www.example.com/?pwa=1", "https://www.example.com/?pwa=1"},
	} {
		got := s.URL(c.in)
		if got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.in, got, c.want)
		}
		if again := s.URL(got); again != got {
			t.Errorf("%s: not idempotent: %s -> %s", c.in, got, again)
		}
	}
}

// scrubBench are URLs a page view brings: most often none to change,
// then an address or a session id to remove, ASCII or not.
var scrubBench = []struct{ name, url string }{
	{"clean", "https://www.example.com/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=nov"},
	{"japanese-path", "https://www.example.co.jp/製品/価格?utm_source=ads"},
	{"japanese-query", "https://www.example.co.jp/search?q=%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE&cat=%E8%A3%BD%E5%93%81"},
	{"ascii-address", "https://www.example.com/thanks?email=taro%40example.co.jp&x=1"},
	{"wide-address", "https://www.example.com/thanks?mail=hanako%EF%BC%A0example.jp&x=1"},
	{"jsessionid", "https://www.example.com/a;jsessionid=ABCDEF123?x=1"},
}

// BenchmarkScrubURL: Scrubber.URL per URL; BenchmarkScrubURLPlain is the
// oracle's plain rewrite, for the ratio in one run:
// go test -bench 'ScrubURL' ./internal/event.
func BenchmarkScrubURL(b *testing.B) {
	s := Scrubber{}
	benchScrub(b, s.URL)
}

func BenchmarkScrubURLPlain(b *testing.B) {
	benchScrub(b, func(u string) string { return plainScrubURL(Scrubber{}, u) })
}

func benchScrub(b *testing.B, scrub func(string) string) {
	for _, c := range scrubBench {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				scrub(c.url)
			}
		})
	}
}
