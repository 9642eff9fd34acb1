package event

import (
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// A form may ask for other people's addresses beside its sender's: a
// referrer's (ご紹介者のメールアドレス), a manager's, a colleague's to copy.
// The tag sends the first field saying mail as the form's address, and
// that was written over the field named email: the person created was
// the referrer, under the sender's name, and the sender was lost. A
// form builder's field_3 labelled メールアドレス identified nobody: its
// name says nothing and the labels were not read. formEmail chooses by
// the fields' names and labels instead, the tag's pick only its fallback.

// Ranks of a form field as its sender's address, best first; 0 none.
const (
	rankEmailName   = 1 // named email
	rankPlain       = 2 // another plain name (mail, メールアドレス) or a plain label (メールアドレス, E-mail)
	rankTagPick     = 3 // the tag's pick (TagEmailProperty), when nothing above is
	rankQualified   = 4 // a name or label saying mail with a qualifier of the sender's (work_email, 会社のメールアドレス)
	rankSomeoneElse = -1
)

// formEmail returns the sender's address among a form's fields: the
// best ranked field (fieldEmailRank), of two alike the first by name;
// the tag's pick when no field's name or label says plainly which, but
// never an address a field gives as someone else's.
func formEmail(props map[string]any) string {
	fields := formFields(props)
	labels, _ := props["labels"].(map[string]any)
	tag, _ := props[TagEmailProperty].(string)
	best, rank, key := "", 0, ""
	var others []string // addresses fields give as someone else's
	for k, v := range fields {
		s, ok := v.(string)
		if !ok || !mayBeEmail(s) {
			continue
		}
		label, _ := labels[k].(string)
		r := fieldEmailRank(k, label)
		if r == rankSomeoneElse {
			if n, err := NormalizeEmail(s); err == nil && tag != "" {
				others = append(others, n)
			}
			continue
		}
		if r == 0 || best != "" && (r > rank || r == rank && k > key) {
			continue
		}
		if n, err := NormalizeEmail(s); err == nil {
			best, rank, key = n, r, k
		}
	}
	if best != "" && rank < rankTagPick || tag == "" {
		return best
	}
	if n, err := NormalizeEmail(tag); err == nil && !slices.Contains(others, n) {
		return n
	}
	return best
}

// mayBeEmail reports whether s has an "@", as typed or one NFKC makes
// (full-width ＠): what has none is no address, and its label is not read.
func mayBeEmail(s string) bool { return strings.IndexByte(s, '@') >= 0 || hasWideAt(s) }

// fieldEmailRank ranks a form field by its name and label (see the
// ranks): the better of the two, or rankSomeoneElse when either names
// another person than the sender, whatever else it says.
func fieldEmailRank(name, label string) int {
	if namesSomeoneElse(name) || label != "" && namesSomeoneElse(label) {
		return rankSomeoneElse
	}
	r := 0
	switch emailKeyRank(name) {
	case 1:
		return rankEmailName
	case 2:
		r = rankPlain
	case 3:
		r = rankQualified
	}
	if l := labelEmailRank(label); l != 0 && (r == 0 || l < r) {
		r = l
	}
	return r
}

var (
	// labelAsides are a label's asides, left out of what it names:
	// メールアドレス（半角英数字）, E-mail【必須】.
	labelAsides = regexp.MustCompile(`\([^)]*\)|【[^】]*】|\[[^\]]*\]|「[^」]*」`)
	labelMarks  = strings.NewReplacer("*", "", "※", "", ":", "", "必須", "", "任意", "", "required", "", "optional", "")
)

// labelEmailRank ranks a label (NFKC, lower-cased, without its asides
// and required marks): rankPlain for a plain spelling of an email
// (メールアドレス, E-mail, Email Address), rankQualified for another
// saying mail (ご連絡先メールアドレス, Work email), 0 none.
func labelEmailRank(label string) int {
	if label == "" {
		return 0
	}
	s := strings.ToLower(strings.TrimSpace(norm.NFKC.String(label)))
	core := strings.Join(strings.Fields(labelMarks.Replace(labelAsides.ReplaceAllString(s, " "))), " ")
	if core == "" {
		core = s
	}
	for _, c := range []string{core, strings.ReplaceAll(core, " ", "")} { // E-mail アドレス
		if r := emailKeyRank(c); r == 1 || r == 2 {
			return rankPlain
		}
	}
	if emailKeyRank(core) == 3 || strings.Contains(core, "mail") || strings.Contains(core, "メール") {
		return rankQualified
	}
	return 0
}

// someoneElse are what in a field's name or label says it holds another
// person's address than the sender's: whoever referred, recommended or
// invited them, their manager, a colleague, a proxy, a copy's recipient.
// Not 担当者: a Japanese form's ご担当者 is its sender.
var someoneElseJa = []string{"紹介者", "紹介元", "ご紹介", "推薦者", "推薦人", "ご推薦", "上長", "上司", "代理", "同僚", "友人", "知人", "招待", "承認者", "決裁者", "営業担当", "担当営業"}

// someoneElseWords are Latin words, whole (cc), or beginnings of words
// (refer: referrer, referral, referred).
var (
	someoneElseWords    = map[string]bool{"cc": true, "bcc": true, "ref": true, "mgr": true, "boss": true, "supervisor": true, "friend": true, "friends": true, "assistant": true, "approver": true, "proxy": true}
	someoneElsePrefixes = []string{"refer", "recommend", "invit", "manager", "colleague", "coworker"}
)

// namesSomeoneElse reports whether a field's name or label says its
// address is another person's (someoneElseJa, someoneElseWords).
func namesSomeoneElse(s string) bool {
	if !isASCII(s) {
		s = norm.NFKC.String(s)
		for _, w := range someoneElseJa {
			if strings.Contains(s, w) {
				return true
			}
		}
	}
	found := false
	latinWords(s, func(w string) bool {
		if someoneElseWords[w] {
			found = true
		}
		for _, p := range someoneElsePrefixes {
			if strings.HasPrefix(w, p) {
				found = true
			}
		}
		return !found
	})
	return found
}

// latinWords calls f with each word of s lower-cased, a word a run of
// ASCII letters split before a capital that follows a small letter
// (referrerEmail is referrer, email), until f returns false.
func latinWords(s string, f func(string) bool) {
	start := -1
	for i := 0; i <= len(s); i++ {
		var c byte
		if i < len(s) {
			c = s[i]
		}
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		camel := letter && start >= 0 && 'A' <= c && c <= 'Z' && 'a' <= s[i-1] && s[i-1] <= 'z'
		if start >= 0 && (!letter || camel) {
			if !f(strings.ToLower(s[start:i])) {
				return
			}
			start = -1
		}
		if letter && start < 0 {
			start = i
		}
	}
}
