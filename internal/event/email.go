package event

import (
	"errors"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// NormalizeEmail returns the canonical form of an address, the key a person
// is stored under: without invisible characters, in its NFKC form, trimmed,
// lower-cased, without a sentence's period after it (taro@example.co.jp。,
// sentenceEnd). Gmail dots and plus-tags are kept: in B2B they are rare and
// stripping them would merge distinct people.
//
// Invisible characters (format characters: a zero-width space pasted from a
// web page or chat, a BOM left at the start of a CSV cell, a soft hyphen,
// bidi controls, variation selectors) are removed wherever they are: kept,
// each made a second person identical to the eye, and a way back past an
// erased person's tombstone. The NFKC form is then the address: typed with
// a Japanese input method in full-width mode (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ)
// it is the half-width one, and so is one typed partly full-width
// (Ｙａｍａｄａ@example.jp), which net/mail takes as a UTF-8 local part.
// What is then still not a plain address (a space inside, a full-width one
// included, a control or unassigned character) is none: net/mail takes any
// non-ASCII character in an atom.
//
// An internationalised domain is in its ASCII form (IDNA A-labels:
// taro@例え.jp is taro@xn--r8jz45g.jp): typed either way the address is
// one person, and the ASCII form is the one the SFAs take (Salesforce's
// Email field refuses an IDN). Earlier versions kept the domain as typed:
// EmailForms lists the keys such a person may still be under.
func NormalizeEmail(s string) (string, error) {
	if !isASCII(s) {
		s = foldText(s)
		if !plainRunes(s) {
			return "", errNotEmail
		}
	}
	e, err := normalizeEmail(sentenceEnd(s))
	if err != nil {
		return "", err
	}
	at := strings.LastIndexByte(e, '@')
	return e[:at+1] + ASCIIDomain(e[at+1:]), nil
}

// sentenceEnd is s without the period that ends a sentence after an
// address, and the spaces around it: typed in a Japanese input method, an
// address in a form or a list's cell often ends in 。 or ． (taro@example.co.jp。),
// which the person meant as no part of it, and which refused the whole
// address. foldText has made both an ASCII period. An address never ends
// in one (its domain's last label is not empty), so none is changed
// otherwise; one period only: two are no sentence's end.
func sentenceEnd(s string) string {
	t := strings.TrimSpace(s)
	if u, ok := strings.CutSuffix(t, "."); ok && strings.Contains(u, "@") && !strings.HasSuffix(u, ".") {
		return strings.TrimSpace(u)
	}
	return s
}

// Deliverable reports whether a normalised address's domain is a host
// name mail can go to: labels of letters, digits and inner hyphens, at
// most 63 bytes each, two or more, the last not all digits. Not an
// address literal (dave@[127.0.0.1]) nor dave@-example.com or
// dave@exa_mple.com, which net/mail reads and every SFA refuses
// (Salesforce's INVALID_EMAIL_ADDRESS): a form giving one identifies
// nobody (collect) rather than a person no lead can be made of. Reading
// one stays NormalizeEmail's and Email's, so that the event is remembered
// under it and erased with it, and one of an erased address is refused.
func Deliverable(email string) bool {
	d := email[strings.LastIndexByte(email, '@')+1:]
	if len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := range len(l) {
			if c := l[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return strings.ContainsFunc(tld, func(r rune) bool { return 'a' <= r && r <= 'z' })
}

// ASCIIDomain is a (lower-case) domain in IDNA A-labels (例え.jp:
// xn--r8jz45g.jp). An ASCII domain is as it is, and so is one IDNA
// refuses: it has no ASCII form, and its key stays the one it had.
func ASCIIDomain(d string) string {
	if isASCII(d) {
		return d
	}
	a, err := idna.Lookup.ToASCII(d)
	if err != nil || !isASCII(a) {
		return d
	}
	return a
}

// EmailForms lists the spellings a normalised address may be stored under,
// its own first: NormalizeEmail's (the domain in A-labels) and, for an
// internationalised domain, the Unicode one (taro@例え.jp) that versions
// before the A-labels keyed people, tombstones and stored events by. A
// lookup that misses the first tries the second; an erasure covers both.
func EmailForms(email string) []string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return []string{email}
	}
	forms := []string{email}
	add := func(d string) {
		if f := email[:at+1] + d; !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	a := ASCIIDomain(email[at+1:])
	add(a)
	if strings.Contains(a, "xn--") {
		if u, err := idna.Lookup.ToUnicode(a); err == nil {
			add(u)
		}
	}
	return forms
}

// EmailFold is text as NormalizeEmail reads an address in it: without
// invisible characters, NFKC, lower-cased. Text holding an address as
// typed (alice<U+200B>@..., ＡＬＩＣＥ＠...) holds its normal form once
// folded: how an erased person's email is found in what was stored as sent
// (privacy.Mentions).
func EmailFold(s string) string { return strings.ToLower(foldText(s)) }

var errNotEmail = errors.New("not an email address")

func normalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 254 {
		return "", errNotEmail
	}
	a, err := mail.ParseAddress(s)
	if (err != nil || a.Address != s || a.Name != "") && !carrierAddress(s) {
		return "", errNotEmail
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || !strings.Contains(s[at:], ".") {
		return "", errNotEmail
	}
	return strings.ToLower(s), nil
}

// carrierDomains are the Japanese mobile carriers' mail domains whose
// older addresses break RFC 5322's dot-atom: a dot before the "@" or two
// in a row (taro.@docomo.ne.jp, taro..yamada@ezweb.ne.jp), which the
// carriers handed out until 2009 and still deliver to (au kept them when
// it moved ezweb.ne.jp's mailboxes to au.com). A subdomain of one of them
// counts too (d.vodafone.ne.jp, di.pdx.ne.jp).
var carrierDomains = []string{"docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp", "vodafone.ne.jp", "disney.ne.jp", "pdx.ne.jp"}

// carrierAddress reports whether s is such a carrier's address: at one of
// carrierDomains, its local part of the characters an address's may hold
// and dots anywhere, and a plain address once its dots are made regular.
// Anywhere else a dot so placed is a typo, and the text no address.
func carrierAddress(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at < 1 {
		return false
	}
	local, domain := s[:at], strings.ToLower(s[at+1:])
	carrier := false
	for _, d := range carrierDomains {
		carrier = carrier || domain == d || strings.HasSuffix(domain, "."+d)
	}
	if !carrier || !strings.Contains(local, ".") {
		return false
	}
	var words []string
	for w := range strings.SplitSeq(local, ".") {
		if w != "" {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return false
	}
	regular := strings.Join(words, ".") + "@" + domain
	a, err := mail.ParseAddress(regular)
	return err == nil && a.Name == "" && a.Address == regular
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// invisible is what an address loses wherever it is: format characters
// (Cf: zero-width spaces and joiners, BOM, soft hyphen, bidi controls) and
// the other default-ignorable ones (variation selectors, Hangul fillers),
// which render as nothing.
var invisible = []*unicode.RangeTable{unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point}

// IsInvisible reports whether r is a character an address loses: see
// NormalizeEmail.
func IsInvisible(r rune) bool { return r >= utf8.RuneSelf && unicode.IsOneOf(invisible, r) }

// stripInvisible removes the invisible characters of s; an invalid byte
// becomes U+FFFD, which plainRunes refuses.
func stripInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		if IsInvisible(r) {
			return -1
		}
		return r
	}, s)
}

// plainRunes reports whether s, invisible characters removed and NFKC,
// holds beyond ASCII (net/mail's to judge) only what an address may show:
// no space or line separator NFKC leaves (U+1680, U+2028), control,
// private-use, unassigned character or U+FFFD (a decoding gone wrong).
// Spaces around are trimmed.
func plainRunes(s string) bool {
	s = strings.TrimSpace(s)
	for _, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsGraphic(r) {
			return false
		}
	}
	return true
}

// IsEmailKey reports whether a form field or trait name holds an email, in
// the spellings forms use in English and Japanese.
func IsEmailKey(k string) bool { return emailKeyRank(k) > 0 }

// EmailKeyRank is how surely a column or field name holds the person's own
// email (see emailKeyRank): 1 or 2 a plain name (email, メールアドレス), 3
// one naming someone's (担当者メールアドレス, manager_email), 0 none. A
// list's email column is the best ranked one.
func EmailKeyRank(k string) int { return emailKeyRank(k) }

// emailKeyRank is how surely a field name holds the person's own email: 1
// "email", 2 another plain spelling (e-mail, メールアドレス ...), 3 a name
// ending in one (work_email, manager_email), 0 no email at all.
func emailKeyRank(k string) int {
	k = strings.ToLower(strings.TrimSpace(k))
	switch k {
	case "email":
		return 1
	case "e-mail", "e_mail", "mail", "emailaddress", "email_address", "email-address",
		"mailaddress", "mail_address", "email address", "e-mail address", "mail address", "メール", "メールアドレス", "eメール", "eメールアドレス", "ｅメール",
		"電子メール", "電子メールアドレス", "e-mailアドレス", "emailアドレス", "mailアドレス": // Japanese lists mix scripts: E-mail アドレス
		return 2
	}
	if strings.HasSuffix(k, "email") || strings.HasSuffix(k, "_mail") || strings.Contains(k, "メールアドレス") || strings.Contains(k, "電子メール") {
		return 3
	}
	// A plain name qualified in brackets: E-mail(会社), メール（勤務先）.
	if i := strings.IndexAny(k, "(（"); i > 0 && emailKeyRank(k[:i]) > 0 {
		return 3
	}
	return 0
}
