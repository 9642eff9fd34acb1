package account

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A branch or department is often written into the company name, with or
// without a space (株式会社バトン東京支店, バトン株式会社大阪営業所,
// Baton Inc. Tokyo Branch). 名寄せ drops it so its people join the
// company's account, but only where the unit can be told from the name:
// many real names end in such words (本田技研工業, 東京海上日動火災保険,
// 株式会社本田技術研究所, 株式会社虎屋本店, センター株式会社).
//
//   - After a space: a short trailing word ending in a unit's name (orgUnit),
//     or a store (梅田店); after a legal form and a name, a department too
//     (株式会社ABC 情報システム室: deptWord, standsAsCompany).
//   - After the legal form, when the name comes before it (バトン株式会社
//     大阪営業所, Baton Inc. Tokyo Branch): the text after the form, when it
//     ends in a unit's name (unitTail). The legal form marks where the name
//     ends.
//   - After a leading legal form (株式会社バトン東京支店): the name and unit
//     run together, so only a tail that reads as a unit is dropped: a place
//     and a unit (東京支店, 関西営業本部), a department (営業部, 第二開発課)
//     or a numbered unit (第二工場) (fusedUnit); not 本社 alone (株式会社
//     ヤクルト本社 is a name).
//   - Without a legal form: only a place and a unit (横浜銀行東京支店,
//     placeUnit) or a store; a department name alone proves nothing there.
//   - A store is a place and 店 (新宿三丁目店, 渋谷駅前店, 梅田2号店), so
//     百貨店, 書店, 工務店 or 東京飯店 stay: what comes before their 店 is
//     a trade, not a place. A department after a store goes with it, as
//     after a branch (株式会社バトン新宿店営業部 as 株式会社バトン大阪支社
//     営業部); after 百貨店 only the department goes.
//   - English, with or without a legal form: a place (and Head, Sales ...)
//     before Branch, Office, Plant, HQ ... (Baton Tokyo Branch, enBranch);
//     Branch Capital or Tokyo Office Supply stay.
//   - A place and 本社 is a head office (株式会社バトン東京本社). Where it
//     is a company of its own (株式会社読売新聞東京本社, 大阪本社) it is one
//     of the group's regional companies, which a sales team works as one
//     account; グループ本社, the holding company, stays a name.
//
// A drop never empties the key nor leaves fewer than two characters of a
// fused name (株式会社東京支店 stays), and the key of what is left is
// always the start of the key of the whole name: a unit is only ever cut
// from the end.

// unitNames end the text after a legal form that names a unit.
var unitNames = []string{
	"支店", "支社", "支部", "営業所", "事業所", "出張所", "事務所", "本社", "本店", "工場", "研究所", "部", "課", "室",
	"グループ", "チーム", "センター", "オフィス", "分室", "拠点",
}

// enUnits are English words that end a unit's name (Tokyo Branch, R&D
// Center, Sales Dept.).
var enUnits = map[string]bool{
	"branch": true, "office": true, "division": true, "dept": true, "department": true, "plant": true,
	"factory": true, "lab": true, "labs": true, "laboratory": true, "laboratories": true, "headquarters": true,
	"hq": true, "center": true, "centre": true, "section": true, "team": true, "group": true, "unit": true,
}

// enForms are the English legal forms that mark the end of a name. Not the
// short ones (Co, K, SA, AG, Company) that are also ordinary words (Plan K
// Design Office); K.K. counts as the pair.
var enForms = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "ltd": true, "limited": true,
	"llc": true, "gmbh": true, "plc": true, "kk": true,
}

// places are prefectures, major cities, regions and business districts:
// what names a branch (東京支店, 関西営業本部, 東日本事業部). Not 日本 or
// 中央, which end many names (日本総合研究所).
var places = []string{
	"北海道", "青森", "岩手", "宮城", "秋田", "山形", "福島", "茨城", "栃木", "群馬", "埼玉", "千葉", "東京", "神奈川",
	"新潟", "富山", "石川", "福井", "山梨", "長野", "岐阜", "静岡", "愛知", "三重", "滋賀", "京都", "大阪", "兵庫",
	"奈良", "和歌山", "鳥取", "島根", "岡山", "広島", "山口", "徳島", "香川", "愛媛", "高知", "福岡", "佐賀", "長崎",
	"熊本", "大分", "宮崎", "鹿児島", "沖縄",
	"札幌", "仙台", "さいたま", "横浜", "川崎", "相模原", "名古屋", "神戸", "北九州", "浜松",
	"新宿", "渋谷", "池袋", "品川", "丸の内", "大手町", "日本橋", "梅田", "難波", "博多", "天神",
	"東日本", "西日本", "北日本", "東北", "関東", "北関東", "南関東", "首都圏", "甲信越", "信越", "北陸", "東海",
	"中部", "中京", "近畿", "関西", "京阪神", "阪神", "中国", "四国", "九州", "南九州", "山陰", "山陽", "海外",
}

// storePlaces name stores only (銀座店), not branches: several are
// surnames (上野, 町田), and 山田上野事務所 is a firm.
var storePlaces = []string{
	"銀座", "六本木", "赤坂", "表参道", "原宿", "秋葉原", "上野", "有楽町", "新橋", "恵比寿", "吉祥寺", "立川", "町田",
	"八王子", "大宮", "心斎橋", "天王寺", "三宮",
}

// enUnitsAlone are the English units that name a branch even with no legal
// form before them, after a place (Baton Tokyo Branch); group, team, center
// or lab there may be the company's own name (Acme Tokyo Group).
var enUnitsAlone = map[string]bool{
	"branch": true, "office": true, "plant": true, "factory": true, "headquarters": true, "hq": true,
}

// enQualifiers may stand between the place and the unit (Tokyo Head
// Office, Osaka Sales Office, Tokyo Branch Office).
var enQualifiers = map[string]bool{
	"head": true, "main": true, "sales": true, "regional": true, "representative": true, "liaison": true,
	"branch": true, "area": true,
}

// enPlaces are English place names a branch is named by: Japan's major
// cities and regions, Japan itself (a foreign company's Japan Branch) and
// the world's business cities. Not prefectures that are common surnames
// (Yamaguchi, Ishikawa, Miyazaki ...: Sato Yamaguchi Office is a firm).
var enPlaces = map[string]bool{
	"tokyo": true, "osaka": true, "nagoya": true, "yokohama": true, "kyoto": true, "kobe": true, "fukuoka": true,
	"sapporo": true, "sendai": true, "hiroshima": true, "kitakyushu": true, "hokkaido": true, "okinawa": true,
	"kansai": true, "kanto": true, "kyushu": true, "tohoku": true, "chubu": true, "shikoku": true, "hokuriku": true,
	"japan": true, "asia": true, "apac": true, "emea": true, "europe": true, "americas": true,
	"london": true, "paris": true, "berlin": true, "munich": true, "frankfurt": true, "amsterdam": true,
	"singapore": true, "shanghai": true, "beijing": true, "shenzhen": true, "seoul": true, "taipei": true,
	"sydney": true, "melbourne": true, "bangkok": true, "jakarta": true, "manila": true, "mumbai": true,
	"bangalore": true, "delhi": true, "toronto": true, "chicago": true, "boston": true, "seattle": true,
	"new york": true, "hong kong": true, "los angeles": true, "san francisco": true, "san jose": true,
	"san diego": true, "silicon valley": true, "kuala lumpur": true, "asia pacific": true,
}

// functions are what a department does (営業部, 情報システム部). Not 企画,
// 設計 or デザイン, which end small firms' names (山田企画, 山田設計室).
var functions = []string{
	"営業", "法人営業", "販売", "開発", "技術", "研究開発", "人事", "総務", "経理", "財務", "法務", "広報", "宣伝", "経営企画",
	"事業企画", "商品企画", "営業企画", "情報システム", "マーケティング", "購買", "調達", "資材", "製造", "生産",
	"品質保証", "品質管理", "業務", "管理", "経営管理", "海外事業", "国際", "物流", "カスタマーサポート",
	"カスタマーサクセス", "秘書", "監査", "内部監査", "知的財産", "人材開発", "it", "dx", "ict",
}

// rooms are the staff functions whose department is a 室 (経営企画室).
var rooms = []string{"経営企画", "事業企画", "社長", "秘書", "広報", "監査", "内部監査", "法務", "知的財産", "人事", "総務"}

var (
	fusedUnit *regexp.Regexp // a unit phrase after a leading legal form
	placeUnit *regexp.Regexp // a unit phrase with no legal form: it starts with a place
	// The same, ending in a store (株式会社バトン新宿三丁目店): tried only
	// on a name ending in a store's 店, so other names pay nothing for it.
	fusedStore, placeStore *regexp.Regexp
	storeWord              *regexp.Regexp // a store after a space (株式会社バトン 関西支社 梅田店)
	// beforeStore are the runes a store's 店 can follow (a place's last,
	// 丁目, 駅前, 東口, 2号 ...): 百貨店 or 工務店 need no pattern tried.
	beforeStore = map[rune]bool{}
)

func init() {
	alt := func(ws []string) string {
		q := make([]string, len(ws))
		for i, w := range ws {
			q[i] = regexp.QuoteMeta(w)
		}
		return "(?:" + strings.Join(q, "|") + ")"
	}
	num := `[0-9一二三四五六七八九十百]+`
	ord := `(?:第?` + num + `)`
	branch := `(?:支店|支社|支部|営業所|事業所|出張所|事務所|本社|本店|工場|研究所|事業本部|事業部|統括本部|統括部|本部|センター|オフィス|分室|拠点)`
	// A department: 営業部, 営業第一部, 第二営業課, 経営企画室, 営業1グループ
	// (a room, group or team only of staff functions or numbered: ゲーム
	// 開発室, 販売グループ may be companies).
	dept := `(?:(?:第` + num + `)?(?:` + alt(functions) + `(?:` + ord + `?(?:事業本部|事業部|統括部|本部|部|課)|` + ord + `(?:グループ|チーム|室))|` + alt(rooms) + `室))`
	place := `(?:` + alt(places) + `(?:都|道|府|県|市)?(?:地区|地域|エリア|ブロック)?` + ord + `?(?:` + dept + `|` + branch + `))`
	numbered := `(?:第` + num + `(?:` + branch + `|部|課|室|グループ|チーム))`
	// A store: a place, its 丁目, station or exit, or a number, then 店
	// or 本店 (新宿三丁目店, 渋谷駅前店, 池袋東口店, 梅田2号店, 銀座本店).
	storeAt := append(append([]string{}, storePlaces...), places...)
	store := `(?:` + alt(storeAt) + `(?:都|道|府|県|市)?(?:` + num + `丁目)?(?:駅前|駅ビル|駅|駅?(?:東|西|南|北|中央)口)?(?:` + num + `号)?本?店)`
	// A store may be followed by a department, as a branch may
	// (株式会社バトン新宿店営業部): the tail starts with a place all the same.
	fusedUnit = regexp.MustCompile(`^(?:` + place + `|` + dept + `|` + numbered + `|` + store + `)+$`)
	placeUnit = regexp.MustCompile(`^(?:` + place + `|` + store + `)(?:` + place + `|` + dept + `|` + numbered + `|` + store + `)*$`)
	fusedStore = regexp.MustCompile(`^(?:` + place + `|` + dept + `|` + numbered + `)*` + store + `$`)
	storeWord = regexp.MustCompile(`^` + store + `$`)
	placeStore = regexp.MustCompile(`^(?:` + place + `(?:` + place + `|` + dept + `|` + numbered + `)*)?` + store + `$`)
	for _, p := range storeAt {
		r, _ := utf8.DecodeLastRuneInString(p)
		beforeStore[r] = true
	}
	for _, r := range "都道府県市目前駅ル口号" {
		beforeStore[r] = true
	}
}

// maxUnitRunes bounds the tail tried as a fused unit: longer is no unit
// (and the cost stays small for any input).
const maxUnitRunes = 40

// dropUnits removes a branch or department from a folded (NFKC, lower
// case) company name, by the rules above.
func dropUnits(s string) string {
	whole := plainKey(s)
	if whole == "" {
		return s
	}
	// keeps: rest can stand for the name.
	keeps := func(rest string, minRunes int) bool {
		k := plainKey(rest)
		return utf8.RuneCountInString(k) >= minRunes && strings.HasPrefix(whole, k)
	}
	// A unit in brackets at the end (株式会社ABC(本社)) is one after a space.
	if i := strings.LastIndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") && (orgUnit(strings.TrimSpace(s[i+1:len(s)-1])) || deptWord(strings.TrimSpace(s[i+1:len(s)-1]))) {
		s = s[:i] + " " + strings.TrimSpace(s[i+1:len(s)-1])
	}
	// The name in the other script in brackets at the end (日本電気株式会社
	// (NEC), 株式会社アクメ(ACME Inc.), ACME Inc.(株式会社アクメ)) is the same
	// company: its key is the name's before them (it was 日本電気nec, an
	// account of its own).
	if i := strings.LastIndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") && otherScript(s[:i], s[i+1:len(s)-1]) && keeps(s[:i], 2) {
		s = strings.TrimSpace(s[:i])
	}
	words := strings.Fields(s)
	n := len(words)
	for n > 1 && (orgUnit(words[n-1]) || storeTail(words[n-1]) && storeWord.MatchString(words[n-1]) ||
		deptWord(words[n-1]) && standsAsCompany(strings.Join(words[:n-1], " "))) {
		n--
	}
	s = strings.Join(words, " ")
	if rest := strings.Join(words[:n], " "); n < len(words) && keeps(rest, 1) {
		s = rest
	}
	start, end := lastForm(s)
	switch {
	case end < 0:
		if i := enBranch(s, 0); i >= 0 && keeps(s[:i], 2) {
			return s[:i]
		}
		return cutFused(s, 0, placeUnit, placeStore, keeps)
	case plainKey(s[:start]) != "": // the name, then the form
		if (unitTail(s[end:]) || storeTail(s[end:])) && keeps(s[:end], 1) {
			return s[:end]
		}
		return s
	default: // the form, then the name
		if i := enBranch(s, end); i >= 0 && keeps(s[:i], 2) {
			return s[:i]
		}
		return cutFused(s, end, fusedUnit, fusedStore, keeps)
	}
}

// otherScript reports whether the bracketed b writes the name before it,
// name, in the other script: Latin letters alone after a name with
// Japanese ones, or Japanese after a name in Latin letters alone (legal
// forms aside).
func otherScript(name, b string) bool {
	name, b = plainKey(name), plainKey(b) // 株式会社 ACME (アクメ): the name's letters, not its form's
	ja := func(r rune) bool { return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) }
	latin := func(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }
	other := func(r rune) bool { return unicode.IsLetter(r) && !latin(r) }
	switch {
	case strings.ContainsFunc(name, ja):
		return strings.ContainsFunc(b, latin) && !strings.ContainsFunc(b, other)
	case strings.ContainsFunc(name, latin) && !strings.ContainsFunc(name, other):
		return strings.ContainsFunc(b, ja) && !strings.ContainsFunc(b, latin)
	}
	return false
}

// enBranch is where an English place and unit ending s after from start
// (Tokyo Branch, New York Head Office, Japan Branch); -1 when s ends in
// none, or nothing but "the" would be left of the name.
func enBranch(s string, from int) int {
	ws := wordSpans(s[from:])
	word := func(i int) string { return s[from+ws[i][0] : from+ws[i][1]] }
	i := len(ws) - 1
	if i < 2 || !enUnitsAlone[word(i)] {
		return -1
	}
	for q := 0; q < 2 && i > 1 && enQualifiers[word(i-1)]; q++ {
		i--
	}
	switch {
	case i >= 3 && enPlaces[word(i-2)+" "+word(i-1)]:
		i -= 2
	case enPlaces[word(i-1)]:
		i--
	default:
		return -1
	}
	if i == 0 || i == 1 && word(0) == "the" {
		return -1
	}
	return from + ws[i][0]
}

// lastForm is where the last legal form of s is (Japanese, or an English
// form as a word); end < 0 when there is none.
func lastForm(s string) (start, end int) {
	start, end = -1, -1
	for _, f := range legalForms {
		if i := strings.LastIndex(s, f); i >= 0 && i+len(f) > end {
			start, end = i, i+len(f)
		}
	}
	ws := wordSpans(s)
	for i, w := range ws {
		word := s[w[0]:w[1]]
		switch {
		case enForms[word] && w[1] > end:
			start, end = w[0], w[1]
		case word == "k" && i+1 < len(ws) && s[ws[i+1][0]:ws[i+1][1]] == "k" && ws[i+1][1] > end: // K.K.
			start, end = w[0], ws[i+1][1]
		}
	}
	return start, end
}

// deptUnits end the words that, after a space following a company, name
// one of its departments (情報システム室, マーケティンググループ, DX推進セン
// ター, ソリューション事業部). Not 本社, 工場 or 研究所: orgUnit has them, and
// a company's name after a space (株式会社KDDI 総合研究所) ends in them too.
var deptUnits = []string{"部", "課", "室", "グループ", "チーム", "センター", "オフィス", "拠点", "ユニット", "事務局"}

// deptWord reports whether a word after a space may be a department: a
// unit's name with at least two characters of what it does before it
// (not グループ or センター alone: 株式会社ABC グループ is the group) and
// at most 12 in all; not 倶楽部. It is dropped only after a name that
// stands as a company (standsAsCompany): many names end in these words
// (日本データセンター株式会社, ソフトバンクグループ, 国立がん研究センター).
func deptWord(w string) bool {
	n := utf8.RuneCountInString(w)
	if n > 12 || strings.HasSuffix(w, "倶楽部") {
		return false
	}
	for _, u := range deptUnits {
		if strings.HasSuffix(w, u) {
			return n-utf8.RuneCountInString(u) >= 2
		}
	}
	return false
}

// standsAsCompany reports whether the words before a space are a company
// on their own: a legal form and a name (株式会社ABC, ABC Inc.), so that
// what follows is a part of it. A legal form alone (株式会社 日本データ
// センター) is not: the name is what follows.
func standsAsCompany(s string) bool {
	_, end := lastForm(s)
	return end >= 0 && plainKey(s) != ""
}

// wordSpans are the byte ranges of the runs of letters and digits of s.
func wordSpans(s string) [][2]int {
	var ws [][2]int
	in := -1
	for i, r := range s {
		switch word := unicode.IsLetter(r) || unicode.IsDigit(r); {
		case word && in < 0:
			in = i
		case !word && in >= 0:
			ws = append(ws, [2]int{in, i})
			in = -1
		}
	}
	if in >= 0 {
		ws = append(ws, [2]int{in, len(s)})
	}
	return ws
}

// notWord: neither a letter nor a digit. 〇 is a kanji digit (二〇〇〇),
// though Unicode's letter number is neither.
func notWord(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '〇' }

// unitTail reports whether the text after a legal form names a unit: it
// ends in a unit's name (大阪営業所, 東京支店 営業部, Tokyo Branch), not
// 倶楽部.
func unitTail(tail string) bool {
	t := strings.TrimRightFunc(tail, notWord)
	if t == "" || strings.HasSuffix(t, "倶楽部") {
		return false
	}
	for _, u := range unitNames {
		if strings.HasSuffix(t, u) {
			return true
		}
	}
	ws := wordSpans(t)
	return len(ws) > 0 && enUnits[t[ws[len(ws)-1][0]:]]
}

// storeTail reports whether tail ends in 店 after what can end a store's
// place (新宿三丁目店, 渋谷駅前店), not after a trade (百貨店, 書店).
func storeTail(tail string) bool {
	before, ok := strings.CutSuffix(strings.TrimRightFunc(tail, notWord), "店")
	r, _ := utf8.DecodeLastRuneInString(before)
	return ok && beforeStore[r]
}

// cutFused drops the longest tail of s after from that unit (or store, for
// a name ending in a store's 店) matches and that leaves at least two
// characters of name; s when there is none.
func cutFused(s string, from int, unit, store *regexp.Regexp, keeps func(string, int) bool) string {
	t := strings.TrimRightFunc(s, notWord)
	if len(t) < from {
		return s
	}
	// The cheap tests first; a name ending in 本店 may be either
	// (銀座本店, 東京第二本店).
	if storeTail(t[from:]) {
		if i, ok := cutTail(t, from, store, keeps); ok {
			return t[:i]
		}
	}
	if unitTail(t[from:]) {
		if i, ok := cutTail(t, from, unit, keeps); ok {
			return t[:i]
		}
	}
	return s
}

// cutTail is where the longest tail of t after from that re matches
// starts, when it leaves at least two characters of name.
func cutTail(t string, from int, re *regexp.Regexp, keeps func(string, int) bool) (int, bool) {
	// Only the last maxUnitRunes runes can be the unit.
	i := len(t)
	for n := 0; i > from && n < maxUnitRunes; n++ {
		_, size := utf8.DecodeLastRuneInString(t[from:i])
		i -= size
	}
	for i < len(t) {
		if re.MatchString(t[i:]) && keeps(t[:i], 2) {
			return i, true
		}
		_, size := utf8.DecodeRuneInString(t[i:])
		i += size
	}
	return 0, false
}
