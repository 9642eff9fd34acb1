package event_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/event"
)

// TestBareHostsAreMarked: a host written without a scheme or "www." in a
// page title or a form's value ("ログインはこちら evil.com/login") went
// into the SFA's text as it was, and mail clients and the linkers that know
// the top-level domains show it as a link. A dotted name ending in a
// top-level domain is marked as a URL is, after a space, a full-width
// bracket or Japanese text alike, and in a redirect's parameter of a marked
// URL; the team's own hosts, addresses, file names, version numbers and
// abbreviations are left as they are.
func TestBareHostsAreMarked(t *testing.T) {
	sites := []string{"www.example.com", "example.co.jp"}
	for _, lang := range []string{"ja", ""} {
		mark := event.OffsiteMark(lang)
		for _, c := range []struct{ in, want string }{
			{"ログインはこちら evil.com/login", "ログインはこちら " + mark + "evil[.]com/login"},
			{"secure-login.co.jp/reset", mark + "secure-login[.]co[.]jp/reset"},
			{"「evil.com/login」から", "「" + mark + "evil[.]com/login」から"},
			{"（secure-login.co.jp）です", "（" + mark + "secure-login[.]co[.]jp）です"},
			{"詳細：evil.co.jp。", "詳細：" + mark + "evil[.]co[.]jp。"},
			{"詳細はevil.com/x", "詳細は" + mark + "evil[.]com/x"},
			{"see Evil.COM.", "see " + mark + "Evil[.]COM."},
			{"wait...evil.com", "wait..." + mark + "evil[.]com"},
			{"login.www.evil.com", mark + "login[.]www[.]evil[.]com"},
			{"203.0.113.7/login", mark + "203[.]0[.]113[.]7/login"},
			{"setup.zip を開く", mark + "setup[.]zip を開く"}, // .zip is a top-level domain: a linker opens it
			{"https://evil.example/?next=phish.com/login", mark + "evil[.]example/?next=phish[.]com/login"},
			// an "@" with no domain after it makes no address: linkers end
			// the host at it and link it (these were left unmarked)
			{"evil.com@ を参照", mark + "evil[.]com@ を参照"},
			{"evil.com@", mark + "evil[.]com@"},
			{"evil.com&@x", mark + "evil[.]com&@x"},
			{"login.vb.net/reset", mark + "login[.]vb[.]net/reset"},
			// letters typed full-width: a Unicode linker links them, a
			// browser opens evil.com (these were left unmarked)
			{"こちらｅｖｉｌ.com/login", "こちら" + mark + "ｅｖｉｌ[.]com/login"},
			{"ＡＢＣ.co.jp", mark + "ＡＢＣ[.]co[.]jp"},
			// a company's site typed in a form is another site all the same
			{"株式会社ABC（abc.co.jp）", "株式会社ABC（" + mark + "abc[.]co[.]jp）"},
			// left as they are
			{"example.co.jp/pricing", "example.co.jp/pricing"},
			{"EXAMPLE.CO.JP の料金", "EXAMPLE.CO.JP の料金"},
			{"資料.pdf と report.xlsx", "資料.pdf と report.xlsx"},
			{"資料.zip", "資料.zip"},
			{"v2.0 / ver.3.1 / 1.2.3.4", "v2.0 / ver.3.1 / 1.2.3.4"},
			{"e.g. U.S. Ph.D.", "e.g. U.S. Ph.D."},
			{"Node.js/React", "Node.js/React"},
			{"Vue.js、Next.js で構築", "Vue.js、Next.js で構築"},
			{"提案書.ppt と 資料.doc", "提案書.ppt と 資料.doc"},
			// Microsoft's product names, not sites (these were marked)
			{"VB.NETで構築したシステム、ASP.NET Core / ADO.NET", "VB.NETで構築したシステム、ASP.NET Core / ADO.NET"},
			{"vb.net/C#", "vb.net/C#"},
			{"evil.com@acme.co.jp", "evil.com@acme.co.jp"},
			{"Ｎｏｄｅ.js、ＶＢ.NET、ｅｖｉｌ.ｃｏｍ", "Ｎｏｄｅ.js、ＶＢ.NET、" + mark + "ｅｖｉｌ[.]ｃｏｍ"}, // IDNA maps ｃｏｍ to com (was left)
			{"taro.yamada@acme.co.jp", "taro.yamada@acme.co.jp"},
			{"first.name+tag@acme.jp", "first.name+tag@acme.jp"},
			{"mailto:taro@evil.com", "mailto:taro@evil.com"},
			{"株式会社Www.Labo", "株式会社Www.Labo"},
			{"end.www.evil.example", "end." + mark + "www[.]evil[.]example"},
		} {
			if got := event.Unlinked(c.in, sites, mark); got != c.want {
				t.Errorf("Unlinked(%q) = %q, want %q", c.in, got, c.want)
			}
		}
		for _, c := range []struct{ in, want string }{
			{"https://evil.example/?next=phish.com/login", mark + "evil[.]example/?next=phish[.]com/login"},
			{"https://www.example.com/?next=phish.com", "https://www.example.com/?next=phish.com"},
			{"https://evil.example/?next=ｐｈｉｓｈ.com/x", mark + "evil[.]example/?next=ｐｈｉｓｈ[.]com/x"},
		} {
			if got := event.OffsiteURL(c.in, sites, mark); got != c.want {
				t.Errorf("OffsiteURL(%q) = %q, want %q", c.in, got, c.want)
			}
		}
	}
}

// TestIDNAndWideDotHostsAreMarked: a host in letters of another script
// ("evil.рф/login", "ログイン.jp/x", "例え.みんな") or written with the dots
// IDNA reads as "." ("evil．com", "evil。com", "ｅｖｉｌ．ｃｏｍ/login"), bare
// or after "https://", went into the SFA's text unmarked (or, after a
// scheme, marked with its host cut at the first such letter and the rest,
// dot and all, left a link: "evil.рф/login"), while a browser opens it and
// a linker whose letters are Unicode's links it. It is marked now, its dots
// bracketed as they were written; a Japanese sentence's full stop before
// an English word that is a top-level domain (.next, .best), a file's
// name, a product's, an address and the team's own host typed full-width
// are left as they are.
func TestIDNAndWideDotHostsAreMarked(t *testing.T) {
	sites := []string{"www.example.com", "example.co.jp", "www.example.co.jp"}
	for _, lang := range []string{"ja", ""} {
		mark := event.OffsiteMark(lang)
		for _, c := range []struct{ in, want string }{
			{"ログインはこちら evil.рф/login", "ログインはこちら " + mark + "evil[.]рф/login"},
			{"こちら：ログイン.jp/x", "こちら：" + mark + "ログイン[.]jp/x"},
			{"「例え.みんな」", "「" + mark + "例え[.]みんな」"},
			{"例え.コム と 例え.中国", mark + "例え[.]コム と " + mark + "例え[.]中国"},
			{"ログイン.evil.com", mark + "ログイン[.]evil[.]com"},
			{"ログインevil.рф", "ログイン" + mark + "evil[.]рф"},
			{"xn--80ak6aa92e.com", mark + "xn--80ak6aa92e[.]com"},
			{"evil．com", mark + "evil[．]com"},
			{"詳細はevil。com/login", "詳細は" + mark + "evil[。]com/login"},
			{"evil｡com", mark + "evil[｡]com"},
			{"ｅｖｉｌ．ｃｏｍ/login", mark + "ｅｖｉｌ[．]ｃｏｍ/login"},
			{"ＥＶＩＬ．ＣＯＭ", mark + "ＥＶＩＬ[．]ＣＯＭ"},
			{"https://evil．com/login", mark + "evil[．]com/login"},
			{"https://evil.рф/login", mark + "evil[.]рф/login"},
			{"詳細はhttps://ｅｖｉｌ。ｃｏｍ/x。", "詳細は" + mark + "ｅｖｉｌ[。]ｃｏｍ/x。"},
			{"https://ログイン.jp/x", mark + "ログイン[.]jp/x"},
			{"https://evil.example/xログイン.jp/y", mark + "evil[.]example/x" + mark + "ログイン[.]jp/y"},
			// left as they are
			{"資料をダウンロード。Next steps", "資料をダウンロード。Next steps"},
			{"資料をダウンロード。next steps", "資料をダウンロード。next steps"},
			{"Thank you。Best regards", "Thank you。Best regards"},
			{"確認しました．中国からの", "確認しました．中国からの"},
			{"例え.テスト と 例え．みんな", "例え.テスト と 例え．みんな"},
			{"資料.pdf、資料.zip、ログイン.jp", "資料.pdf、資料.zip、ログイン.jp"},
			{"ASP．NET と ＶＢ．ＮＥＴ", "ASP．NET と ＶＢ．ＮＥＴ"},
			{"v2。0、ver．3．1", "v2。0、ver．3．1"},
			{"taro@例え.みんな、taro@evil．com", "taro@例え.みんな、taro@evil．com"},
			{"ｗｗｗ．example.co.jp/pricing", "ｗｗｗ．example.co.jp/pricing"},
			{"ＥＸＡＭＰＬＥ．ＣＯ．ＪＰ", "ＥＸＡＭＰＬＥ．ＣＯ．ＪＰ"},
			{"https://ｗｗｗ．example.co.jp/x", "https://ｗｗｗ．example.co.jp/x"},
			{"https://www.example.comをご覧ください", "https://www.example.comをご覧ください"},
			{"https://www.example.com。次へ", "https://www.example.com。次へ"},
		} {
			if got := event.Unlinked(c.in, sites, mark); got != c.want {
				t.Errorf("Unlinked(%q) = %q, want %q", c.in, got, c.want)
			}
		}
		for _, c := range []struct{ in, want string }{
			{"https://evil．com/login", mark + "evil[．]com/login"},
			{"https://evil.example/?next=ｐｈｉｓｈ．com/x", mark + "evil[.]example/?next=ｐｈｉｓｈ[．]com/x"},
			{"https://evil.example/?next=ログイン.jp/x", mark + "evil[.]example/?next=ログイン[.]jp/x"},
		} {
			if got := event.OffsiteURL(c.in, sites, mark); got != c.want {
				t.Errorf("OffsiteURL(%q) = %q, want %q", c.in, got, c.want)
			}
		}
	}
}

// FuzzUnlinked: whatever text surrounds it, a URL or bare host on one of
// the team's sites, full-width or with IDNA's dots too, is written as it
// is (Unlinked at a space is Unlinked of each side), and the text loses
// nothing but schemes: without its marks and with "[.]" read "." ("[．]"
// "．", and so on), it is the input.
func FuzzUnlinked(f *testing.F) {
	for _, s := range [][2]string{
		{"ログインはこちら", "evil.com/login"},
		{"see www.evil.example,", "taro.yamada@acme.co.jp"},
		{"詳細はhttps://evil.example/x。", "「secure-login.co.jp/reset」"},
		{"v2.0 e.g. 資料.pdf", "setup.zip wait...evil.com"},
		{"株式会社Www.Labo", "https://evil.example/?next=phish.com/login"},
		{"こちらｅｖｉｌ.com/login", "ａ.ｂ.com ｐ.co.jp@x"},
		{"evil.рф/login ログイン.jp/x", "例え.みんな xn--80ak6aa92e.com"},
		{"ｅｖｉｌ．ｃｏｍ/login evil。com", "https://evil．com/x 資料をダウンロード。Next"},
	} {
		f.Add(s[0], s[1], uint8(0))
	}
	sites := []string{"www.example.com", "example.co.jp"}
	own := []string{"example.co.jp/pricing", "https://www.example.com/a", "www.example.com", "EXAMPLE.CO.JP", "https://example.co.jp",
		"ｗｗｗ．example.com", "example。co。jp/x", "ＥＸＡＭＰＬＥ．ＣＯ．ＪＰ", "https://ｗｗｗ．example.com/a"}
	// a dot Unlinked brackets, as it was written
	dots := strings.NewReplacer("[.]", ".", "[．]", "．", "[。]", "。", "[｡]", "｡")
	mark := event.OffsiteMark("ja")
	f.Fuzz(func(t *testing.T, before, after string, form uint8) {
		site := own[int(form)%len(own)]
		in := before + " " + site + " " + after
		if strings.Contains(in, mark) || dots.Replace(in) != in {
			t.Skip("the mark's or a defanged dot's text in the input")
		}
		out := event.Unlinked(in, sites, mark)
		if want := event.Unlinked(before, sites, mark) + " " + site + " " + event.Unlinked(after, sites, mark); out != want {
			t.Fatalf("Unlinked(%q) = %q, want %q: the site's %q as it is", in, out, want, site)
		}
		read := dots.Replace(strings.ReplaceAll(out, mark, ""))
		if !strings.Contains(in, "://") {
			if read != in {
				t.Fatalf("Unlinked(%q) = %q, which reads %q", in, out, read)
			}
			return
		}
		j := 0 // a scheme is left out: what is read is in, in its order
		for i := 0; i < len(in) && j < len(read); i++ {
			if in[i] == read[j] {
				j++
			}
		}
		if j < len(read) {
			t.Fatalf("Unlinked(%q) = %q, which reads %q, more than the input", in, out, read)
		}
	})
}

// BenchmarkUnlinked reads 4 KB and 32 KB of texts that once took time
// growing with the square of their length (a scan to the end of the text
// for every word: 820 ms at 32 KB): ns/op should grow about eightfold
// from one size to the next, not sixty-four. A benchmark, not a timed
// test (`make bench` prints it).
func BenchmarkUnlinked(b *testing.B) {
	sites := []string{"www.example.com"}
	for _, unit := range []string{"a!", "a.b!", "a.zz+"} {
		for _, size := range []int{4096, 32768} {
			s := strings.Repeat(unit, size/len(unit))
			b.Run(fmt.Sprintf("%s/%dKB", unit, size/1024), func(b *testing.B) {
				for b.Loop() {
					event.Unlinked(s, sites, "[m] ")
					event.OffsiteURL("https://evil.example/"+s, sites, "[m] ")
				}
			})
		}
	}
}
