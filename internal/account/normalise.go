package account

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/textcut"
)

// Domain is the grouping domain of an email address: its domain, lower
// case, or "" when the address is at a free-mail domain or a subdomain of
// one (free, rulebook.FreeMailDomain: ISP mailboxes such as
// taro@sky.plala.or.jp) or has none. An internationalised domain is in
// its ASCII form (event.ASCIIDomain), as a person's email is: people
// stored before with the domain as typed are of the same company.
func Domain(email string, free map[string]bool) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 || i == len(email)-1 {
		return ""
	}
	d := event.ASCIIDomain(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(email[i+1:])), "."))
	if d == "" || rulebook.FreeMailDomain(d, free) {
		return ""
	}
	return d
}

// legalForms are the company-type words 名寄せ removes: Japanese forms
// (NFKC has already turned ㈱ into (株)), and English ones as whole words.
// The other corporations B2B teams sell to count as companies do (clinics,
// schools, welfare, professional firms, public bodies, mutual insurers).
// Removed in this order: a form containing another comes before it
// (社会医療法人 before 医療法人).
var legalForms = []string{
	"株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "相互会社",
	"株式會社", "有限會社", "合同會社", // the traditional 會 some firms' cards keep
	"一般社団法人", "一般財団法人", "公益社団法人",
	"公益財団法人", "特定非営利活動法人", "npo法人", "社会医療法人", "医療法人社団", "医療法人財団", "医療法人",
	"社会福祉法人", "学校法人", "地方独立行政法人", "独立行政法人", "国立大学法人", "公立大学法人",
	"税理士法人", "弁護士法人", "司法書士法人", "行政書士法人", "社会保険労務士法人", "特許業務法人",
	"有限責任監査法人", "監査法人", "有限責任事業組合",
	"(株)", "(有)", "(同)", "(資)", "(名)", "(社)", "(財)", "(一社)", "(一財)", "(公社)", "(公財)", "(特非)",
	"(医)", "(福)", "(学)", "(独)",
}

// WithoutLegalForms returns s (NFKC-folded already, as the people search
// keys are) without the Japanese company-type words: the search finds
// 株式会社アクメ by (株)アクメ, ㈱アクメ or アクメ株式会社, as 名寄せ groups them.
func WithoutLegalForms(s string) string {
	for _, f := range legalForms {
		s = strings.ReplaceAll(s, f, "")
	}
	return s
}

// abbreviated reports whether a company name writes its legal form short:
// one of legalForms' parenthesised forms ((株), (一社), (医) ...) once NFKC
// has folded （株） and ㈱ into them, or ㍿, which NFKC writes out.
func abbreviated(name string) bool {
	if strings.Contains(name, "㍿") {
		return true
	}
	folded := norm.NFKC.String(name)
	return slices.ContainsFunc(legalForms, func(f string) bool { return f[0] == '(' && strings.Contains(folded, f) })
}

var legalWords = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "co": true, "company": true, "ltd": true,
	"limited": true, "llc": true, "kk": true, "k": true, "gmbh": true, "plc": true, "sa": true, "ag": true,
	// 合同会社 and 有限会社 as English writes them (Google G.K.), and the
	// private limited companies of Singapore and Australia (Pte. Ltd.,
	// Pty Ltd).
	"gk": true, "yk": true, "pte": true, "pty": true,
}

// romajiForms are Japanese legal forms written out in Latin letters, two
// words each (Kabushiki Kaisha is K.K., Godo Kaisha G.K.).
var romajiForms = map[[2]string]bool{
	{"kabushiki", "kaisha"}: true, {"kabushiki", "gaisha"}: true, {"godo", "kaisha"}: true, {"yugen", "kaisha"}: true,
	{"goshi", "kaisha"}: true, {"gomei", "kaisha"}: true,
}

// joinForms makes one word of a legal form written as several: single
// letters with dots or spaces between them (G.K., L.L.C., Y. K.) when they
// spell one, and the romanised forms (Kabushiki Kaisha). Letters that
// spell none stay as they are (A.B.C.).
func joinForms(words []string) []string {
	out := words[:0:0]
	for i := 0; i < len(words); i++ {
		if i+1 < len(words) && romajiForms[[2]string{words[i], words[i+1]}] {
			out = append(out, "kk") // any legal word: removed below
			i++
			continue
		}
		j := i
		for j < len(words) && len(words[j]) == 1 && words[j][0] >= 'a' && words[j][0] <= 'z' {
			j++
		}
		if j-i > 1 {
			if joined := strings.Join(words[i:j], ""); legalWords[joined] {
				out = append(out, joined)
				i = j - 1
				continue
			}
		}
		out = append(out, words[i])
	}
	return out
}

// CompanyKey is the normalised company name people are grouped by (the
// 名寄せ rule, docs/accounts.md): NFKC folding (full-width letters, digits
// and spaces to half width, half-width kana to full width, ㈱ to (株)), lower
// case, a branch or department dropped (dropUnits: 株式会社バトン 東京支店,
// バトン株式会社大阪営業所, 株式会社バトン営業部, Baton Inc. Tokyo Branch),
// legal forms removed (株式会社, 有限会社, (株), (有) ..., and Inc, Co.,
// Ltd, LLC, K.K. ... as words), then everything but letters and digits
// removed (spaces, ・, punctuation). "" when nothing is left, what is left
// names no company (namesNone: 個人, なし, N/A, 会社名, テスト, aaa ...) or
// the name is a form's example left to fill in (leftToFill: 〇〇商事).
func CompanyKey(name string) string {
	k, _ := companyKey(name, false)
	return k
}

// companyKey is CompanyKey, and with unit whether the name names a branch
// or department the key drops (株式会社アクメ 東京支店, バトン株式会社
// 大阪営業所): not the company's own name as its people write it.
func companyKey(name string, unit bool) (string, bool) {
	// Without zero-width characters (a company stored before forms and
	// lists dropped them: 株式会社\u200bアクメ kept its legal form).
	folded := withoutHonorific(strings.ToLower(norm.NFKC.String(textcut.ZeroWidth(name))))
	if leftToFill(folded) {
		return "", false // 〇〇商事, 株式会社××工業: a form's example, not a name
	}
	k := plainKey(dropUnits(folded))
	if namesNone(k) {
		return "", false // 個人, なし, N/A, ー...: no company, or strangers share one account
	}
	return k, unit && k != plainKey(folded)
}

// honorifics are what a list addressed to a company writes after its name
// (株式会社アクメ 御中, アクメ株式会社様: an address book's or an invoicing
// tool's export): no part of the name, and the key kept them (アクメ御中).
var honorifics = []string{"御中", "様"}

// withoutHonorific is a folded name without the honorific at its end,
// when a name is left before it.
func withoutHonorific(s string) string {
	t := strings.TrimSpace(s)
	for _, h := range honorifics {
		if rest, ok := strings.CutSuffix(t, h); ok && strings.TrimSpace(rest) != "" {
			return strings.TrimSpace(rest)
		}
	}
	return s
}

// namesNone reports whether a key names no company: a placeholder
// (noCompany), dashes (ー, ーー; "-" and "―" have no key already) or a
// fill mark (〇, which leftToFill lets through alone), one
// character typed again and again (aaa, xxx, あああ, 1111), or form labels
// and test words with nothing else (formWordsOnly: 会社名, お名前, TEL会社,
// テスト, test1).
func namesNone(k string) bool {
	return noCompany[k] || strings.Trim(k, "ー〇") == "" || oneRuneRepeated(k) || formWordsOnly(k)
}

// fillMarks stand for the name a form's example leaves to fill in (〇〇商事,
// 株式会社××工業, ＊＊商事). They are no letters, so the key kept the rest
// (商事, 工業): a key that every stranger who copied the example shared.
const fillMarks = "○◯〇●◎×✕✖*△▲□■"

// leftToFill reports whether a folded name has one fill mark twice or more
// in a row, not counting 〇 as a digit beside kanji numerals (二〇〇〇).
// One mark, or two different ones, are a name's (A×B株式会社, ○×クイズ).
func leftToFill(s string) bool {
	if !strings.ContainsAny(s, fillMarks) {
		return false
	}
	rs := []rune(s)
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j] == rs[i] && strings.ContainsRune(fillMarks, rs[j]) {
			j++
		}
		if j-i >= 2 && !numeral(rs, i, j) {
			return true
		}
		i = max(j, i+1)
	}
	return false
}

// numeral reports whether rs[i:j], one fill mark repeated, is 〇 written
// as a digit, after or before a kanji numeral (二〇〇〇, 〇〇一).
func numeral(rs []rune, i, j int) bool {
	return rs[i] == '〇' && (i > 0 && strings.ContainsRune(kanjiDigits, rs[i-1]) || j < len(rs) && strings.ContainsRune(kanjiDigits, rs[j]))
}

const kanjiDigits = "一二三四五六七八九十百千万"

// oneRuneRepeated reports whether k is one character two or more times:
// what gets past a required field (aaa, ｘｘｘ, あああ). A company so named
// (AA株式会社) still groups by its email domain.
func oneRuneRepeated(k string) bool {
	r, size := utf8.DecodeRuneInString(k)
	return len(k) > size && strings.Trim(k, string(r)) == ""
}

// formWords are the labels of a form's fields and the words of a test:
// what someone types who copies the label (会社名, 御社名, お名前), fills
// in a test (テスト, sample, ダミー) or pastes two fields' labels (TEL会社).
// A key made of them alone, with digits after (テスト1), names no company;
// one word more makes a name (東京会社, テストエンジニアリング, サンプル百貨店).
// With legal forms removed, テスト株式会社 is テスト: a firm so named
// groups by its email domain, the form's testers by nothing.
var formWords = []string{
	"会社", "御社", "貴社", "弊社", "当社", "企業", "法人", "団体", "組織", "所属", "所属先", "勤務先", "社", "氏",
	"名", "名称", "名前", "フルネーム", "ご", "お", "御", "様", "担当", "担当者", "部署", "役職", "住所", "電話", "電話番号",
	"連絡先", "メール", "メールアドレス", "tel", "fax", "mail", "email", "phone", "company", "name",
	"テスト", "てすと", "test", "サンプル", "さんぷる", "sample", "ダミー", "dummy", "example", "hoge", "fuga",
	"piyo", "ほげ", "ホゲ", "ふが", "フガ",
}

// formWordsAlone are the form words that may be a name on their own: TEL
// is what 東京エレクトロン's people write. Only with another form word
// (TEL会社) is it a label.
var formWordsAlone = map[string]bool{"tel": true}

// formWordsOnly reports whether k is form words (formWords) and nothing
// else, digits after them aside, and not one of formWordsAlone by itself.
func formWordsOnly(k string) bool {
	k = strings.TrimRight(k, "0123456789")
	if k == "" || formWordsAlone[k] || len(k) > 64 {
		return false
	}
	// can[i]: k[:i] is form words.
	can := make([]bool, len(k)+1)
	can[0] = true
	for i := range len(k) {
		if !can[i] {
			continue
		}
		for _, w := range formWords {
			if strings.HasPrefix(k[i:], w) {
				can[i+len(w)] = true
			}
		}
	}
	return can[len(k)]
}

// noCompany are the keys of what people type in a required 会社名 field
// when they have no company (keys: NFKC, lower case, letters and digits
// only, so ＮＯＮＥ, n/a and 「なし」 are among them). Each would group every
// stranger who typed it into one account (and raise MQAs for it). Not
// フリー: フリー株式会社 (freee) is a company.
var noCompany = map[string]bool{
	"個人": true, "個人事業": true, "個人事業主": true, "個人事業者": true, "自営": true, "自営業": true,
	"フリーランス": true, "学生": true, "主婦": true, "無職": true, "無所属": true,
	"なし": true, "無し": true, "無": true, "ない": true, "無い": true, "特になし": true, "特に無し": true,
	"とくになし": true, "未定": true, "不明": true, "未記入": true,
	"na": true, "none": true, "nil": true, "null": true, "no": true, "nothing": true, "private": true,
	"personal": true, "individual": true, "self": true, "selfemployed": true, "freelance": true,
	"freelancer": true, "student": true,
	// an occupation where the company goes
	"会社員": true, "会社役員": true, "公務員": true, "団体職員": true, "自由業": true, "パート": true, "アルバイト": true,
	"派遣社員": true,
}

// plainKey is the key of a folded name as it stands: legal forms and all
// but letters and digits removed.
func plainKey(s string) string {
	for _, f := range legalForms {
		s = strings.ReplaceAll(s, f, " ")
	}
	// English forms as words: split on anything that is not a letter or digit.
	words := joinForms(strings.FieldsFunc(s, notWord))
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
	jaDeputy = []string{"代理", "補佐"} // 部長代理: the manager's level
	// 部門長 and センター長 head a division or centre (部門長 has no 部長 in
	// it); 責任者 is the head of a function (マーケティング責任者, 事業責任者),
	// as startups title them; 院長, 学長, 校長 and 事務長 head the clinics
	// and schools teams sell to; 経営者 runs the firm.
	jaDecisionMaker = []string{"社長", "代表", "会長", "取締役", "役員", "執行役", "本部長", "部長", "局長", "所長", "工場長", "支社長", "支店長", "理事",
		"部門長", "センター長", "責任者", "院長", "学長", "校長", "事務長", "経営者",
		// オーナー owns the firm (オーナー社長, a shop's オーナー); ディレクター is
		// a Director's title, and ゼネラルマネージャー a General Manager's:
		// the head of a business or department (as 部長), not a マネージャー.
		"オーナー", "ディレクター", "ゼネラルマネージャー", "ゼネラルマネジャー", "ジェネラルマネージャー", "ジェネラルマネジャー"}
	jaManager      = []string{"課長", "係長", "次長", "室長", "グループ長", "チーム長", "マネージャー", "マネジャー", "リーダー", "店長", "支配人"}
	jaPractitioner = []string{"主任", "担当", "係", "エンジニア", "スタッフ", "社員", "技師", "研究員", "開発", "営業", "デザイナー"}
	// English titles, matched as words.
	// GM is a General Manager (read as two words below).
	enDecisionMaker = map[string]bool{"ceo": true, "cto": true, "cio": true, "cfo": true, "coo": true, "cmo": true, "ciso": true, "cdo": true, "vp": true, "svp": true, "evp": true, "president": true, "director": true, "founder": true, "owner": true, "chief": true, "head": true, "gm": true}
	// AGM and DGM: an assistant or deputy general manager (as 部長代理).
	enManager = map[string]bool{"manager": true, "mgr": true, "lead": true, "supervisor": true, "leader": true, "agm": true, "dgm": true}
	// An owner of a product, process or service (Scrum's Product Owner,
	// プロダクトオーナー) owns a piece of work, not the firm: the manager's
	// level, as a Product Manager.
	enWorkOwned = map[string]bool{"product": true, "process": true, "service": true, "data": true, "system": true, "application": true}
	jaWorkOwner = []string{"プロダクトオーナー", "プロセスオーナー", "サービスオーナー", "データオーナー", "システムオーナー"}
	// Webディレクター and アートディレクター are occupations, the web or
	// design staff who run a site's or a piece's production, not a director
	// of the company.
	jaWorkDirector = []string{"webディレクター", "ウェブディレクター", "アートディレクター"}
	// An executive's secretary or assistant names the executive (社長秘書,
	// Executive Assistant to the CEO) but is not one: practitioner, or manager
	// with a manager's title (秘書課長, Assistant Manager), or a deputy before
	// an executive's title (Assistant Director, as 部長補佐). "General
	// secretary" heads an association.
	jaAssistant = []string{"秘書", "アシスタント"}
	enAssistant = map[string]bool{"assistant": true, "asst": true, "secretary": true}
	// An office named after an executive is a unit, not the title (社長室
	// 主任); its head (社長室長) is a 室長.
	jaExecOffice   = strings.NewReplacer("社長室", "室", "会長室", "室", "役員室", "室", "取締役室", "室")
	enPractitioner = map[string]bool{"engineer": true, "developer": true, "staff": true, "specialist": true, "analyst": true, "associate": true, "consultant": true, "designer": true, "administrator": true, "admin": true, "architect": true, "scientist": true, "officer": true, "representative": true, "coordinator": true}
)

// anySubIn reports whether s contains any of list.
func anySubIn(s string, list []string) bool {
	for _, x := range list {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// Role is the buying-group role a job title names: decision maker (社長,
// 取締役, 本部長, 部長, CEO, VP, Director ...), manager (課長, 係長, 部長代理,
// Manager, Lead ...) or practitioner (主任, 担当, Engineer, Analyst ...);
// "" when the title names none. Full-width input is folded first, and the
// most senior role named wins ("VP Engineering" is a decision maker). An
// executive's secretary or assistant (社長秘書, Assistant to the CEO) and
// the staff of an executive's office (社長室) are not decision makers.
func Role(title string) string {
	s := jaExecOffice.Replace(strings.ToLower(norm.NFKC.String(title)))
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
	// A product's or a site's owner or director (プロダクトオーナー,
	// Webディレクター) is read apart: those words say no more below.
	workOwner, workDirector := false, false
	for _, t := range jaWorkOwner {
		workOwner = workOwner || strings.Contains(s, t)
		s = strings.ReplaceAll(s, t, " ")
	}
	for _, t := range jaWorkDirector {
		workDirector = workDirector || strings.Contains(s, t)
		s = strings.ReplaceAll(s, t, " ")
	}
	// General Manager is the head of a business or department (the
	// English of 部長 at many Japanese firms): one decision maker's title,
	// its Manager no manager's.
	gm := func(i int) bool {
		return words[i] == "gm" || words[i] == "general" && i+1 < len(words) && words[i+1] == "manager"
	}
	execWord, managerWord := false, false
	for i, w := range words {
		switch {
		case w == "owner" && i > 0 && enWorkOwned[words[i-1]]:
			workOwner = true
		case enDecisionMaker[w], gm(i):
			execWord = true
		case enManager[w] && !(w == "manager" && i > 0 && words[i-1] == "general"):
			managerWord = true
		}
	}
	anySub := func(list []string) bool { return anySubIn(s, list) }
	// 代理店 is an agency (代理店営業部長 heads its sales), not a deputy's 代理.
	deputy, assistant := anySubIn(strings.ReplaceAll(s, "代理店", "店"), jaDeputy), anySub(jaAssistant)
	for i, w := range words {
		if enAssistant[w] && !(w == "secretary" && slices.Contains(words, "general")) {
			assistant = true
			deputy = deputy || i+1 < len(words) && (enDecisionMaker[words[i+1]] || words[i+1] == "vice" || gm(i+1))
		}
		// Deputy General Manager, Deputy Director, Deputy Head: a
		// department head's deputy, as 部長代理 (a Deputy President or CEO
		// stays a decision maker).
		if w == "deputy" && i+1 < len(words) && (gm(i+1) || words[i+1] == "director" || words[i+1] == "head") {
			deputy = true
		}
	}
	// partner: a firm's principal (Managing Partner), unless the title
	// names another role (Partner Sales Engineer, Partner Manager).
	partner := slices.Contains(words, "partner") && !anyWord(enManager) && !anyWord(enPractitioner)
	// An executive, corporate or managing officer is a 執行役員 as Japanese
	// firms write it in English (an officer alone is a practitioner's title).
	officer := false
	for i, w := range words {
		officer = officer || w == "officer" && i > 0 && (words[i-1] == "executive" || words[i-1] == "corporate" || words[i-1] == "managing")
	}
	exec := anySub(jaDecisionMaker) || execWord || partner || officer
	switch {
	case exec && !deputy && !assistant:
		return DecisionMaker
	case anySub(jaManager), managerWord, exec && deputy, workOwner:
		return Manager
	case anySub(jaPractitioner), anyWord(enPractitioner), assistant, workDirector:
		return Practitioner
	}
	return ""
}
