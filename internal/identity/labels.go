package identity

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Forms keyed by meaning: a form builder names its fields "text-123" or
// "field_5", which say nothing, while the label the visitor read ("会社名",
// "Job title") says what the field holds. The tag sends each field's label
// (label[for], a wrapping <label>, aria-label, else the placeholder; not a
// checkbox's or radio's, which is its option's) in properties.labels; here,
// in one place, the label decides the attribute of a field whose name names
// none (MachineLike, or a shorthand such as emp).

// MachineLike reports whether a form field's name says nothing about its
// content: it has a digit (text-123, your-field-7, field_5, input_3,
// entry.1234, wpforms[fields][2]) or only generic words (field, input,
// text).
func MachineLike(name string) bool {
	name = strings.ToLower(norm.NFKC.String(name))
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) })
	if strings.IndexFunc(name, unicode.IsDigit) >= 0 {
		return true
	}
	if len(words) == 0 {
		return true
	}
	for _, w := range words {
		if !genericWords[w] {
			return false
		}
	}
	return true
}

var genericWords = map[string]bool{
	"field": true, "fields": true, "input": true, "text": true, "textarea": true, "select": true, "item": true, "entry": true,
	"question": true, "q": true, "answer": true, "your": true, "custom": true, "form": true, "value": true, "data": true, "f": true,
}

// labelKeywords map words a label may contain to attributes. The keyword
// ending last in the label wins, the longer on a tie, so the head of a
// compound decides: 会社電話番号 and "company phone" are phones, "company
// size" is the employee count, 会社名 and "company name" are the company. An
// empty attribute is a field no attribute holds (an address, a kind of
// inquiry: お問い合わせ種別), so it stays custom. Latin keywords match whole words only ("tel" is not in "hotel").
var labelKeywords = map[string]string{
	// Japanese
	"会社": "company", "企業": "company", "法人": "company", "団体": "company", "組織": "company", "貴社": "company", "御社": "company",
	"社名": "company", "勤務先": "company",
	"役職": "title", "肩書": "title", "職位": "title",
	"部署": "department", "部門": "department", "部課": "department",
	"電話": "phone", "携帯": "mobile",
	"従業員": "employees", "社員数": "employees", "職員数": "employees", "規模": "employees",
	"売上": "revenue", "年商": "revenue",
	"業種": "industry", "業界": "industry",
	"氏名": "name", "お名前": "name", "名前": "name", "姓名": "name", "担当者": "name", "担当者名": "name",
	"姓": "last_name", "苗字": "last_name", "名字": "last_name",
	"国名": "country", "国・地域": "country", "国/地域": "country",
	"都道府県":   "region",
	"市区町村":   "city",
	"ウェブサイト": "website", "webサイト": "website", "ホームページ": "website",
	"予算":   "budget",
	"決裁":   "authority",
	"導入時期": "timeframe", "検討時期": "timeframe", "導入予定": "timeframe", "時期": "timeframe",
	"課題": "need", "ニーズ": "need",
	"お問い合わせ": "message", "問い合わせ": "message", "問合せ": "message", "ご質問": "message", "ご要望": "message", "ご相談": "message",
	"内容": "message", "備考": "message",
	"メール": "email",
	"住所":  "", "郵便番号": "", "番地": "", "種別": "", "区分": "",
	// English
	"company": "company", "organization": "company", "organisation": "company", "employer": "company",
	"company name": "company", "organization name": "company", "organisation name": "company", "business name": "company",
	"title": "title", "job title": "title", "position": "title", "role": "title", "designation": "title",
	"department": "department", "dept": "department", "division": "department",
	"phone": "phone", "tel": "phone", "telephone": "phone", "mobile": "mobile",
	"employees": "employees", "employee count": "employees", "company size": "employees", "headcount": "employees", "staff": "employees",
	"revenue": "revenue", "turnover": "revenue",
	"industry": "industry", "sector": "industry",
	"name": "name", "full name": "name",
	"first name": "first_name", "given name": "first_name", "firstname": "first_name",
	"last name": "last_name", "family name": "last_name", "surname": "last_name", "lastname": "last_name",
	"country": "country",
	"state":   "region", "prefecture": "region", "region": "region", "province": "region",
	"city":    "city",
	"website": "website", "web site": "website", "homepage": "website", "url": "website", "web address": "website",
	"budget":    "budget",
	"authority": "authority", "decision maker": "authority",
	"timeframe": "timeframe", "timeline": "timeframe",
	"need": "need", "needs": "need", "challenge": "need", "challenges": "need",
	"message": "message", "comment": "message", "comments": "message", "inquiry": "message", "enquiry": "message", "question": "message",
	"email": "email", "e-mail": "email", "mail": "email", "email address": "email", "e-mail address": "email", "mail address": "email",
	"address": "", "zip": "", "postal code": "", "postcode": "", "type": "",
}

var (
	asides = regexp.MustCompile(`\([^)]*\)|【[^】]*】|\[[^\]]*\]|「[^」]*」`)
	marks  = strings.NewReplacer("*", "", "※", "", ":", "", "必須", "", "任意", "", "required", "", "optional", "")
)

// LabelAttribute returns the attribute a field's label names, "" when it
// names none. Labels are NFKC-normalised (full-width ＴＥＬ is TEL) and
// lower-cased; asides in brackets ("(必須)", "(例: 株式会社〇〇)") and
// required marks are left out. The site's form_fields (extra) are tried
// first, on the whole label, then Baton's field names, then the keywords.
func LabelAttribute(label string, extra FieldNames) string {
	s := strings.ToLower(strings.TrimSpace(norm.NFKC.String(label)))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200])
	}
	// A reading (お名前（フリガナ）, セイ) is the reading's attribute, never
	// the name's; one of something else (会社名（カナ）) none.
	if a, ok := reading(s, func(head string) string { return LabelAttribute(head, extra) }); ok {
		return a
	}
	if part := namePart(s, func(head string) string { return LabelAttribute(head, extra) }); part != "" {
		return part
	}
	core := strings.Join(strings.Fields(marks.Replace(asides.ReplaceAllString(s, " "))), " ")
	if core == "" {
		core = strings.Join(strings.Fields(s), " ")
	}
	for _, k := range []string{core, strings.ReplaceAll(core, " ", "_"), strings.ReplaceAll(core, " ", "")} {
		if a, ok := extra[k]; ok {
			return a
		}
		if a, ok := attributeNames[k]; ok {
			return a
		}
	}
	switch core { // one character, too short to look for inside words
	case "名":
		return "first_name"
	case "国":
		return "country"
	}
	best, bestEnd, bestLen := "", -1, 0
	for kw, attr := range labelKeywords {
		end := lastWord(core, kw)
		if end > bestEnd || (end == bestEnd && end >= 0 && len(kw) > bestLen) {
			best, bestEnd, bestLen = attr, end, len(kw)
		}
	}
	return best
}

// nameParts name the half of a name a form asks in two boxes, written as
// an aside or a last word of a label or column naming the whole name.
var nameParts = map[string]string{
	"姓": "last_name", "苗字": "last_name", "名字": "last_name", "last": "last_name", "last name": "last_name", "family name": "last_name", "surname": "last_name",
	"名": "first_name", "first": "first_name", "first name": "first_name", "given name": "first_name",
}

// namePart returns last_name or first_name when s (NFKC, lower-cased) names
// the whole name with the half it asks for beside it: お名前（姓）,
// 氏名（名）, ご担当者名（姓）【必須】, お名前 名, Name (First). Japanese
// forms ask 姓 and 名 so, and without this both boxes were the name: the
// family name was the person's whole name and the given name a custom
// field. names is what the rest (asides gone) names; "" otherwise.
func namePart(s string, names func(string) string) string {
	part := ""
	for _, a := range asides.FindAllString(s, -1) {
		r := []rune(a)
		inner := strings.Join(strings.Fields(marks.Replace(string(r[1:len(r)-1]))), " ")
		if p, ok := nameParts[inner]; ok {
			if part != "" && part != p {
				return "" // お名前（姓・名）-like: both halves, so neither
			}
			part = p
		}
	}
	core := strings.Fields(marks.Replace(asides.ReplaceAllString(s, " ")))
	if part == "" && len(core) > 1 {
		if p, ok := nameParts[core[len(core)-1]]; ok {
			part, core = p, core[:len(core)-1]
		}
	}
	if part == "" || len(core) == 0 || names(strings.Join(core, " ")) != "name" {
		return ""
	}
	return part
}

// lastWord returns where the last occurrence of kw in s ends, -1 when there
// is none; a keyword in Latin letters must be a whole word.
func lastWord(s, kw string) int {
	latin := kw[0] < 0x80
	for end := len(s); ; {
		i := strings.LastIndex(s[:end], kw)
		if i < 0 {
			return -1
		}
		if !latin || (!wordByte(s, i-1) && !wordByte(s, i+len(kw))) {
			return i + len(kw)
		}
		end = i + len(kw) - 1
	}
}

func wordByte(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}
