package event

import (
	"errors"
	"net/mail"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// NormalizeEmail returns the canonical form of an address, the key a person
// is stored under: trimmed, lower-cased. Gmail dots and plus-tags are kept:
// in B2B they are rare and stripping them would merge distinct people.
//
// An address is read in its NFKC form: typed with a Japanese input method
// in full-width mode (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ) it is the half-width one.
// So is one typed partly full-width (Ｙａｍａｄａ@example.jp): net/mail
// takes its UTF-8 local part as an address as it is, which made it a
// second person beside yamada@example.jp. Only where the NFKC form is no
// address is the address as typed kept.
func NormalizeEmail(s string) (string, error) {
	if f := norm.NFKC.String(s); f != s {
		if n, err := normalizeEmail(f); err == nil {
			return n, nil
		}
	}
	return normalizeEmail(s)
}

func normalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 254 {
		return "", errors.New("not an email address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", errors.New("not an email address")
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || !strings.Contains(s[at:], ".") {
		return "", errors.New("not an email address")
	}
	return strings.ToLower(s), nil
}

// IsEmailKey reports whether a form field or trait name holds an email, in
// the spellings forms use in English and Japanese.
func IsEmailKey(k string) bool { return emailKeyRank(k) > 0 }

// emailKeyRank is how surely a field name holds the person's own email: 1
// "email", 2 another plain spelling (e-mail, メールアドレス ...), 3 a name
// ending in one (work_email, manager_email), 0 no email at all.
func emailKeyRank(k string) int {
	k = strings.ToLower(strings.TrimSpace(k))
	switch k {
	case "email":
		return 1
	case "e-mail", "e_mail", "mail", "emailaddress", "email_address", "email-address",
		"mailaddress", "mail_address", "メール", "メールアドレス", "eメール", "eメールアドレス", "ｅメール":
		return 2
	}
	if strings.HasSuffix(k, "email") || strings.HasSuffix(k, "_mail") || strings.Contains(k, "メールアドレス") {
		return 3
	}
	return 0
}
