package account_test

import (
	"testing"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/rulebook"
)

// TestPlaceholderCompanyNamesGroupNobody: what people type in a required
// 会社名 field when they have none (個人, なし, N/A ...) names no company.
// It used to be a key, so strangers at gmail.com who wrote 個人 were one
// account "個人", and two of them (代表取締役, 社長) raised an MQA for it.
func TestPlaceholderCompanyNamesGroupNobody(t *testing.T) {
	for _, c := range []string{"個人", "なし", "無し", "特になし", "個人事業主", "N/A", "n/a", "none", "ー",
		"ＮＯＮＥ", "Ｎ／Ａ", "「なし」", " な し ", "（個人）", "ｰ", "ーー", "-", "株式会社", "　", "株式会社なし"} {
		if k := account.CompanyKey(c); k != "" {
			t.Errorf("CompanyKey(%q) = %q: every stranger who wrote it shares one account", c, k)
		}
	}
	// Names that contain a placeholder's letters are names.
	for _, c := range []string{"個人情報保護協会", "株式会社ナシ農園", "None Such Ltd", "フリー株式会社", "株式会社アクメ"} {
		if k := account.CompanyKey(c); k == "" {
			t.Errorf("CompanyKey(%q) is empty: a real company without an account", c)
		}
	}
}

// TestFormLabelsAndTestWordsGroupNobody: a field's label copied in (会社名,
// お名前), a test's word (テスト, sample, ダミー), two labels pasted
// together (TEL会社), an occupation (会社員) or one key pressed again and
// again (aaa, あああ) was a key, so every stranger who typed it joined one
// account. Real names that contain such words keep their whole key.
func TestFormLabelsAndTestWordsGroupNobody(t *testing.T) {
	for _, c := range []string{"会社", "会社名", "御社名", "貴社名", "企業名", "ご担当者名", "担当者名", "お名前", "氏名", "社名",
		"お名前（フルネーム）", "Company Name", "companyname", "テスト", "test", "TEST", "てすと", "ﾃｽﾄ", "テスト1", "test123",
		"テストテスト", "テスト会社", "株式会社テスト", "テスト株式会社", "株式会社テスト 営業部", "Test Inc.", "sample", "サンプル",
		"株式会社サンプル", "ダミー", "dummy", "hoge", "xxx", "ｘｘｘ", "XX", "あああ", "aaa", "1111", "TEL会社", "会社TEL",
		"電話番号", "メールアドレス", "なし株式会社", "会社員", "公務員", "アルバイト"} {
		if k := account.CompanyKey(c); k != "" {
			t.Errorf("CompanyKey(%q) = %q: every stranger who wrote it shares one account", c, k)
		}
	}
	for name, key := range map[string]string{
		"テストエンジニアリング株式会社": "テストエンジニアリング", "株式会社テストハウス": "テストハウス", "サンプル百貨店": "サンプル百貨店",
		"東京会社": "東京会社", "会社設立センター": "会社設立センター", "TEL": "tel", "TEL1": "tel1", "東京エレクトロン株式会社": "東京エレクトロン",
		"名古屋鉄道株式会社": "名古屋鉄道", "株式会社ABC": "abc", "123": "123", "Sample Solutions Ltd": "samplesolutions",
		"株式会社お名前ドットコム": "お名前ドットコム", "ABA株式会社": "aba", "株式会社X": "x", "TestCo Inc.": "testco",
	} {
		if k := account.CompanyKey(name); k != key {
			t.Errorf("CompanyKey(%q) = %q, want %q", name, k, key)
		}
	}
}

// TestFillMarksGroupNobody: a form's example with the name left to fill in
// (〇〇商事, 株式会社××工業) kept the rest as its key (商事, 工業), since
// the marks are no letters: every stranger who copied it shared the account
// 商事. One mark, two different marks, or 〇 as a kanji digit are a name's.
func TestFillMarksGroupNobody(t *testing.T) {
	for _, c := range []string{"〇〇商事", "○○株式会社", "株式会社〇〇", "○○株式会社 営業部", "株式会社××工業", "××", "＊＊商事",
		"***", "●●工業株式会社", "△△建設", "◯◯商店", "株式会社○○ホールディングス"} {
		if k := account.CompanyKey(c); k != "" {
			t.Errorf("CompanyKey(%q) = %q: every stranger who wrote it shares one account", c, k)
		}
	}
	for _, name := range []string{"A×B株式会社", "○×クイズ株式会社", "株式会社二〇〇〇", "株式会社〇〇一"} {
		if k := account.CompanyKey(name); k == "" {
			t.Errorf("CompanyKey(%q) is empty: a real company without an account", name)
		}
	}
	// 〇 as a kanji digit is the name's, not dropped as punctuation: 二〇〇〇
	// was 二, the key of 株式会社二 and of 二〇 too.
	for _, c := range [][2]string{{"株式会社二〇〇〇", "二〇〇〇"}, {"株式会社〇〇一", "〇〇一"}, {"三〇〇商事", "三〇〇商事"}, {"株式会社〇", ""}} {
		if k := account.CompanyKey(c[0]); k != c[1] {
			t.Errorf("CompanyKey(%q) = %q, want %q", c[0], k, c[1])
		}
	}
}

// TestISPMailSubdomainsAreFreeMail: Japanese ISP mailboxes are at a mail
// server's subdomain (taro@sky.plala.or.jp). Domain matched free mail
// exactly, so two plala customers (山田工務店, 鈴木商事) became one account
// keyed d:sky.plala.or.jp.
func TestISPMailSubdomainsAreFreeMail(t *testing.T) {
	free := map[string]bool{}
	for _, d := range rulebook.DefaultFreeMail {
		free[d] = true
	}
	for _, e := range []string{"taro@sky.plala.or.jp", "hanako@ba2.so-net.ne.jp", "jiro@beach.ocn.ne.jp",
		"saburo@d1.dion.ne.jp", "shiro@kfa.biglobe.ne.jp", "goro@Sky.Plala.OR.JP", "a@plala.or.jp"} {
		if d := account.Domain(e, free); d != "" {
			t.Errorf("Domain(%q) = %q: a consumer ISP's mailbox groups its customers into one account", e, d)
		}
	}
	// A suffix on a label boundary only: these are companies' domains.
	for e, want := range map[string]string{"a@notplala.or.jp": "notplala.or.jp", "a@gmail.com.example": "gmail.com.example",
		"a@myocn.ne.jp": "myocn.ne.jp"} {
		if d := account.Domain(e, free); d != want {
			t.Errorf("Domain(%q) = %q, want %q", e, d, want)
		}
	}
}

// TestFreeMailOneListForGroupingAndFit: the accounts' free-mail list and
// the fit rule's default were two lists; 21 domains (ybb.ne.jp,
// plala.or.jp, so-net.ne.jp ...) were free mail for grouping but got no
// free_mail penalty (x@plala.or.jp fit 0, x@gmail.com -20). Now every
// domain a Book treats as free mail, and its subdomains, gets the penalty
// of the default free_mail rule.
func TestFreeMailOneListForGroupingAndFit(t *testing.T) {
	r, err := rulebook.Parse("t.yaml", []byte("fit:\n  free_mail:\n    points: -20\nmql: [{name: x, grades: [D]}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := &rulebook.Engine{R: r}
	b := account.NewBook(nil, nil, nil, nil, r, nil, nil)
	for d := range b.FreeMail {
		for _, email := range []string{"x@" + d, "x@mx1." + d} {
			if s, _, _, _ := e.Fit(nil, email); s != -20 {
				t.Errorf("%s: fit %v, want -20: free mail for accounts, not for the fit score", email, s)
			}
			if k := b.Keys(identity.Person{Email: email}); len(k) != 0 {
				t.Errorf("%s: keys %v", email, k)
			}
		}
	}
	if s, _, _, _ := e.Fit(nil, "x@acme.co.jp"); s != 0 {
		t.Errorf("company domain: fit %v", s)
	}
}

// TestAgencyIsNoDeputy: 代理 of 代理店 (an agency, as in 代理店営業部:
// agency sales) made its head a deputy, a manager; 部長代理 still is one.
func TestAgencyIsNoDeputy(t *testing.T) {
	for title, want := range map[string]string{
		"代理店営業部長": account.DecisionMaker, "代理店営業本部 本部長": account.DecisionMaker, "代理店営業課長": account.Manager,
		"代理店営業担当": account.Practitioner, "代理店営業部 部長代理": account.Manager, "部長代理": account.Manager, "部長補佐": account.Manager,
	} {
		if got := account.Role(title); got != want {
			t.Errorf("Role(%q) = %q, want %q", title, got, want)
		}
	}
}

// TestAssistantsAreNotDecisionMakers: Role matched 社長, 取締役, CEO ...
// anywhere in a title, so executives' secretaries and assistants and the
// staff of the president's office (社長秘書, Executive Assistant to the
// CEO, 社長室 主任) were decision makers, and an MQA requiring one
// (require_roles: [decision_maker], the example rules) was met by a
// secretary. So was "Partner Sales Engineer", by the word partner.
func TestAssistantsAreNotDecisionMakers(t *testing.T) {
	for title, want := range map[string]string{
		"社長秘書": account.Practitioner, "役員秘書": account.Practitioner, "取締役秘書": account.Practitioner,
		"理事長秘書": account.Practitioner, "社長室 主任": account.Practitioner, "社長室": "",
		"Executive Assistant to the CEO": account.Practitioner, "Assistant to the Director": account.Practitioner,
		"Assistant to the President": account.Practitioner, "Secretary to the CEO": account.Practitioner,
		"Partner Sales Engineer": account.Practitioner, "Partner Manager": account.Manager,
		// Deputies and heads of an office: the manager's level.
		"社長補佐": account.Manager, "部長補佐": account.Manager, "部長代理": account.Manager, "秘書課長": account.Manager,
		"社長室長": account.Manager, "Assistant Manager": account.Manager, "Assistant Director": account.Manager,
		"Assistant Vice President": account.Manager,
		// Executives stay decision makers.
		"代表取締役社長": account.DecisionMaker, "取締役営業部長": account.DecisionMaker, "CEO": account.DecisionMaker,
		"VP of Sales": account.DecisionMaker, "副社長": account.DecisionMaker, "執行役員": account.DecisionMaker,
		"Managing Partner": account.DecisionMaker, "Partner": account.DecisionMaker,
		"Secretary General": "", "Director, IT": account.DecisionMaker,
	} {
		if got := account.Role(title); got != want {
			t.Errorf("Role(%q) = %q, want %q", title, got, want)
		}
	}
}
