package account

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FreeMail are consumer mail domains: an address there says nothing about
// the company, so it never groups people. The rules file's
// fit.free_mail.domains are added to it (Grouper.FreeMail).
var FreeMail = []string{
	// global
	"gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
	"icloud.com", "me.com", "mac.com", "aol.com", "gmx.net", "gmx.de", "mail.ru", "yandex.ru", "proton.me",
	"protonmail.com", "zoho.com", "qq.com", "163.com", "126.com", "naver.com", "hanmail.net",
	// Japan: portals, carriers' mobile mail, consumer ISPs
	"yahoo.co.jp", "ybb.ne.jp", "outlook.jp", "hotmail.co.jp", "live.jp", "docomo.ne.jp", "ezweb.ne.jp",
	"au.com", "softbank.ne.jp", "i.softbank.jp", "disney.ne.jp", "ymobile.ne.jp", "rakuten.jp", "nifty.com",
	"biglobe.ne.jp", "ocn.ne.jp", "so-net.ne.jp", "plala.or.jp", "dion.ne.jp", "excite.co.jp", "infoseek.jp",
	"goo.jp", "livedoor.com", "jcom.home.ne.jp", "zaq.ne.jp", "eonet.ne.jp", "mopera.net",
}

// Domain is the grouping domain of an email address: its domain, lower
// case, or "" when the address is at a free-mail domain (free) or has none.
func Domain(email string, free map[string]bool) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 || i == len(email)-1 {
		return ""
	}
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(email[i+1:])), ".")
	if d == "" || free[d] {
		return ""
	}
	return d
}

// legalForms are the company-type words 名寄せ removes: Japanese forms
// (NFKC has already turned ㈱ into (株)), and English ones as whole words.
var legalForms = []string{
	"株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "一般社団法人", "一般財団法人", "公益社団法人",
	"公益財団法人", "特定非営利活動法人", "npo法人", "(株)", "(有)", "(同)", "(資)", "(名)", "(社)", "(財)",
}

var legalWords = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "co": true, "company": true, "ltd": true,
	"limited": true, "llc": true, "kk": true, "k": true, "gmbh": true, "plc": true, "sa": true, "ag": true,
}

// CompanyKey is the normalised company name people are grouped by (the
// 名寄せ rule, docs/accounts.md): NFKC folding (full-width letters, digits
// and spaces to half width, half-width kana to full width, ㈱ to (株)), lower
// case, a branch or department dropped (dropUnits: 株式会社バトン 東京支店,
// バトン株式会社大阪営業所, 株式会社バトン営業部, Baton Inc. Tokyo Branch),
// legal forms removed (株式会社, 有限会社, (株), (有) ..., and Inc, Co.,
// Ltd, LLC, K.K. ... as words), then everything but letters and digits
// removed (spaces, ・, punctuation). "" when nothing is left.
func CompanyKey(name string) string {
	return plainKey(dropUnits(strings.ToLower(norm.NFKC.String(name))))
}

// plainKey is the key of a folded name as it stands: legal forms and all
// but letters and digits removed.
func plainKey(s string) string {
	for _, f := range legalForms {
		s = strings.ReplaceAll(s, f, " ")
	}
	// English forms as words: split on anything that is not a letter or digit.
	words := strings.FieldsFunc(s, notWord)
	var b strings.Builder
	for _, w := range words {
		if legalWords[w] && len(words) > 1 {
			continue
		}
		b.WriteString(w)
	}
	return b.String()
}

// orgUnits end the words that name a branch, an office or a department.
var orgUnits = []string{"支店", "支社", "営業所", "事業所", "出張所", "本社", "本店", "工場", "研究所", "部", "課"}

// orgUnit reports whether a word after a space names a unit of a company
// (東京支店, 営業部, 第二営業課), not a company: a short word ending in a
// unit's name (倶楽部, a club, is a name).
func orgUnit(w string) bool {
	if n := utf8.RuneCountInString(w); n < 2 || n > 8 || strings.HasSuffix(w, "倶楽部") {
		return false
	}
	for _, u := range orgUnits {
		if strings.HasSuffix(w, u) {
			return true
		}
	}
	return false
}

// Roles of a buying group, as the rules file's mqa.require_roles names them.
const (
	DecisionMaker = "decision_maker"
	Manager       = "manager"
	Practitioner  = "practitioner"
)

// Roles lists the roles, most senior first.
var Roles = []string{DecisionMaker, Manager, Practitioner}

var (
	// Japanese titles, matched anywhere in the title.
	jaDeputy        = []string{"代理", "補佐"} // 部長代理: the manager's level
	jaDecisionMaker = []string{"社長", "代表", "会長", "取締役", "役員", "執行役", "本部長", "部長", "局長", "所長", "工場長", "支社長", "支店長", "理事"}
	jaManager       = []string{"課長", "係長", "次長", "室長", "グループ長", "チーム長", "マネージャー", "マネジャー", "リーダー"}
	jaPractitioner  = []string{"主任", "担当", "係", "エンジニア", "スタッフ", "社員", "技師", "研究員", "開発", "営業", "デザイナー"}
	// English titles, matched as words.
	enDecisionMaker = map[string]bool{"ceo": true, "cto": true, "cio": true, "cfo": true, "coo": true, "cmo": true, "ciso": true, "cdo": true, "vp": true, "svp": true, "evp": true, "president": true, "director": true, "founder": true, "owner": true, "chief": true, "head": true, "partner": true}
	enManager       = map[string]bool{"manager": true, "mgr": true, "lead": true, "supervisor": true, "leader": true}
	enPractitioner  = map[string]bool{"engineer": true, "developer": true, "staff": true, "specialist": true, "analyst": true, "associate": true, "consultant": true, "designer": true, "administrator": true, "admin": true, "architect": true, "scientist": true, "officer": true, "representative": true, "coordinator": true}
)

// Role is the buying-group role a job title names: decision maker (社長,
// 取締役, 本部長, 部長, CEO, VP, Director ...), manager (課長, 係長, 部長代理,
// Manager, Lead ...) or practitioner (主任, 担当, Engineer, Analyst ...);
// "" when the title names none. Full-width input is folded first, and the
// most senior role named wins ("VP Engineering" is a decision maker).
func Role(title string) string {
	s := strings.ToLower(norm.NFKC.String(title))
	if strings.TrimSpace(s) == "" {
		return ""
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	anyWord := func(set map[string]bool) bool {
		for _, w := range words {
			if set[w] {
				return true
			}
		}
		return false
	}
	anySub := func(list []string) bool {
		for _, x := range list {
			if strings.Contains(s, x) {
				return true
			}
		}
		return false
	}
	deputy := anySub(jaDeputy)
	switch {
	case anySub(jaDecisionMaker) && !deputy, anyWord(enDecisionMaker):
		return DecisionMaker
	case anySub(jaManager), anyWord(enManager), deputy && anySub(jaDecisionMaker):
		return Manager
	case anySub(jaPractitioner), anyWord(enPractitioner):
		return Practitioner
	}
	return ""
}
