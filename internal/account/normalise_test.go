package account

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/baton-hq/baton/internal/rulebook"
)

func TestCompanyKey(t *testing.T) {
	same := [][]string{
		{"株式会社アクメ", "アクメ株式会社", "(株)アクメ", "㈱アクメ", "（株）アクメ", "ｱｸﾒ", "アクメ 株式会社", "有限会社アクメ", "(有)アクメ",
			// zero-width characters inside the legal form, stored before forms dropped them
			"株\u200b式会社アクメ", "アクメ株式\u2060会社", "(株\ufeff)アクメ",
			// the traditional 會, and a list addressed to the company (御中, 様)
			"株式會社アクメ", "株式会社アクメ 御中", "㈱アクメ御中", "アクメ株式会社様", "株式会社アクメ　東京支店　御中"},
		{"ACME Inc.", "Acme, Inc", "ＡＣＭＥ", "acme co., ltd.", "ACME K.K.", "Acme Corporation", " a c m e "},
		{"サンプル・テクノロジー株式会社", "サンプル テクノロジー(株)", "サンプルテクノロジー"},
		// A branch or department after the company (a space between).
		{"株式会社バトン", "株式会社バトン 東京支店", "バトン(株)　大阪営業所", "株式会社 バトン 営業部 第二営業課", "バトン株式会社 本社"},
	}
	for _, group := range same {
		want := CompanyKey(group[0])
		if want == "" {
			t.Fatalf("%q: empty key", group[0])
		}
		for _, n := range group[1:] {
			if got := CompanyKey(n); got != want {
				t.Errorf("CompanyKey(%q) = %q, want %q (as %q)", n, got, want, group[0])
			}
		}
	}
	// バトン営業部: with no legal form, a department alone is no unit
	// (units_test.go has the rest).
	for a, b := range map[string]string{"アクメ": "アクメ商事", "東京支店": "大阪支店", "ゴルフ": "ゴルフ 倶楽部", "バトン": "バトン営業部"} {
		if CompanyKey(a) == CompanyKey(b) {
			t.Errorf("%q and %q share a key", a, b)
		}
	}
	for _, empty := range []string{"", "株式会社", " ", "(株)", "・"} {
		if k := CompanyKey(empty); k != "" {
			t.Errorf("CompanyKey(%q) = %q, want empty", empty, k)
		}
	}
}

func TestDomain(t *testing.T) {
	free := map[string]bool{}
	for _, d := range rulebook.DefaultFreeMail {
		free[d] = true
	}
	for email, want := range map[string]string{
		"taro@Acme.co.jp":        "acme.co.jp",
		"taro@例え.jp":             "xn--r8jz45g.jp", // an earlier version's key: the company of taro@xn--r8jz45g.jp
		"taro@xn--r8jz45g.jp":    "xn--r8jz45g.jp",
		"a@gmail.com":            "",
		"a@yahoo.co.jp":          "",
		"a@docomo.ne.jp":         "",
		"a@ezweb.ne.jp":          "",
		"a@softbank.ne.jp":       "",
		"a@outlook.jp":           "",
		"a@icloud.com":           "",
		"not-an-email":           "",
		"trailing@":              "",
		"x@sub.example.com.":     "sub.example.com",
		"quoted\"@\"@example.jp": "example.jp",
	} {
		if got := Domain(email, free); got != want {
			t.Errorf("Domain(%q) = %q, want %q", email, got, want)
		}
	}
}

func TestRole(t *testing.T) {
	for title, want := range map[string]string{
		"代表取締役社長": DecisionMaker, "取締役": DecisionMaker, "営業本部長": DecisionMaker, "情報システム部長": DecisionMaker,
		"ＣＥＯ": DecisionMaker, "VP of Engineering": DecisionMaker, "Director, IT": DecisionMaker, "Head of Sales": DecisionMaker,
		"部長代理": Manager, "課長": Manager, "係長": Manager, "Engineering Manager": Manager, "ｍａｎａｇｅｒ": Manager, "Team Lead": Manager,
		"主任": Practitioner, "開発担当": Practitioner, "エンジニア": Practitioner, "Software Engineer": Practitioner, "ｴﾝｼﾞﾆｱ": Practitioner,
		"": "", "学生": "", "VPN administrator": Practitioner,
		// Japanese buyers' titles that named no role (部門長 has no 部長 in
		// it; 営業部門 部門長 read as a practitioner by 営業), and 執行役員 in
		// English read as a practitioner by its Officer.
		"部門長": DecisionMaker, "営業部門 部門長": DecisionMaker, "IT部門長": DecisionMaker, "コールセンター長": DecisionMaker,
		"マーケティング責任者": DecisionMaker, "事業責任者": DecisionMaker, "院長": DecisionMaker, "学長": DecisionMaker, "事務長": DecisionMaker,
		"経営者": DecisionMaker, "Executive Officer": DecisionMaker, "Senior Executive Officer": DecisionMaker, "Corporate Officer": DecisionMaker,
		"店長": Manager, "支配人": Manager, "副店長": Manager, "Compliance Officer": Practitioner, "Officer": Practitioner,
		// Scrum's Product Owner was a decision maker by its Owner; General
		// Manager a manager by its Manager, GM, ディレクター and オーナー no role.
		"Product Owner": Manager, "Senior Product Owner": Manager, "プロダクトオーナー": Manager, "Service Owner": Manager,
		"Owner": DecisionMaker, "Business Owner": DecisionMaker, "オーナー": DecisionMaker, "オーナー社長": DecisionMaker, "Chief Product Owner": DecisionMaker,
		"General Manager": DecisionMaker, "GM": DecisionMaker, "General Manager, Sales": DecisionMaker, "ゼネラルマネージャー": DecisionMaker, "ｾﾞﾈﾗﾙﾏﾈｰｼﾞｬｰ": DecisionMaker,
		"Deputy General Manager": Manager, "Assistant General Manager": Manager, "DGM": Manager, "AGM": Manager, "Deputy GM": Manager, "Deputy Director": Manager,
		"ゼネラルマネージャー補佐": Manager, "Assistant to the General Manager": Practitioner, "General Affairs Manager": Manager, "Deputy President": DecisionMaker,
		"ディレクター": DecisionMaker, "マーケティングディレクター": DecisionMaker, "ディレクター補佐": Manager,
		"Webディレクター": Practitioner, "ＷＥＢディレクター": Practitioner, "アートディレクター": Practitioner, "アシスタントディレクター": Practitioner,
	} {
		if got := Role(title); got != want {
			t.Errorf("Role(%q) = %q, want %q", title, got, want)
		}
	}
}

// FuzzNormalise: the 名寄せ functions never panic, keys are valid UTF-8
// without spaces, full/half width never matters (a name and its NFKC
// form have one key), and dropping a branch or department never empties a
// key: the key is empty only for a name of legal forms and punctuation,
// and is the start of the key of the name as written.
func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"株式会社アクメ", "㈱ＡＣＭＥ", "Acme Co., Ltd.", "", "\xff\xfe", "部長代理", "VP", "a@b.c",
		"株式会社バトン東京支店", "バトン株式会社大阪営業所", "株式会社 東京支店", "株式会社東京支店営業部", "Inc Corp Tokyo Branch",
		"Baton K.K. Sales Dept.", "(株)・東京支店", "バトン(株)", "株式会社バトン第二営業課", "株式会社バトン新宿三丁目店",
		"Baton Tokyo Branch", "Baton New York Head Office", "The Tokyo Office", "新宿店", "株式会社大丸松坂屋百貨店",
		"株式会社バトン新宿店営業部", "株式会社大丸松坂屋百貨店営業本部", "新宿店営業部", "個人", "「なし」", "ｰ", "社長秘書", "〇〇商事", "株式会社二〇〇〇", "TEL会社", "株式会社ABC 情報システム室", "!様"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		key := CompanyKey(s)
		// A placeholder (個人, なし, 〇〇商事) has no key; the checks below
		// are of the key it would have.
		folded := withoutHonorific(strings.ToLower(norm.NFKC.String(s))) // 000様 is 000, one key pressed again
		k := plainKey(dropUnits(folded))
		if key != k && (key != "" || !namesNone(k) && !leftToFill(folded)) {
			t.Fatalf("CompanyKey(%q) = %q, not %q nor a placeholder's", s, key, k)
		}
		if !utf8.ValidString(k) && utf8.ValidString(s) {
			t.Fatalf("CompanyKey(%q) = %q: invalid UTF-8", s, k)
		}
		for _, r := range k {
			if r == ' ' || r == '　' {
				t.Fatalf("CompanyKey(%q) = %q has a space", s, k)
			}
		}
		if full := plainKey(folded); (k == "") != (full == "") || !strings.HasPrefix(full, k) {
			t.Fatalf("CompanyKey(%q) = %q, the name as written (an honorific dropped) %q", s, k, full)
		}
		if utf8.ValidString(s) && CompanyKey(norm.NFKC.String(s)) != key {
			t.Fatalf("CompanyKey(%q) differs from the key of its NFKC form", s)
		}
		switch r := Role(s); r {
		case "", DecisionMaker, Manager, Practitioner:
		default:
			t.Fatalf("Role(%q) = %q", s, r)
		}
		_ = Domain(s, map[string]bool{})
	})
}
