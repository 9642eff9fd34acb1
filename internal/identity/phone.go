package identity

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Japanese forms ask a phone number in one box, typed with whatever dash
// the input method gave (03ー1234ー5678: the long-vowel mark), or in three
// (tel1, tel2, tel3; MW WP Form's tel[data][0..2]). Sales dial what reaches
// the SFA, so a number is written with ASCII dashes and the boxes joined.

// phoneDashes are what people type between a number's groups; NFKC has
// already made the full-width hyphen-minus (－) an ASCII one. The figure
// dash (‒), the small hyphen-minus (﹣, outside the full-width block
// WidthFold folds) and the box-drawing line (─, which Japanese input
// methods offer among ー's candidates) too.
var phoneDashes = strings.NewReplacer("ー", "-", "‐", "-", "‑", "-", "‒", "-", "−", "-", "―", "-", "–", "-", "—", "-", "ｰ", "-", "﹣", "-", "─", "-")

// phoneValue is v with ASCII dashes when it is a number (digits, +, (), spaces
// and dashes, at least one digit). A number with words beside it (an
// extension, 03ー1234ー5678 内線12; a note, (携帯); TEL:) has ASCII dashes
// between its digits and its words as typed: a dash between two digits is
// no long vowel (センター keeps its ー, 内線ー12 too). Nothing else changes:
// the grouping is the person's. Format characters (a zero-width space or
// joiner, a soft hyphen, a BOM: pasted from a web page or a signature)
// go: invisible, they make a number no dialler or SFA search matches.
func phoneValue(v string) string {
	if strings.ContainsFunc(v, formatChar) {
		v = strings.Map(func(r rune) rune {
			if formatChar(r) {
				return -1
			}
			return r
		}, v)
	}
	if joined, ok := sharedBoxes(v); ok {
		return joined
	}
	p := phoneDashes.Replace(v)
	digits := false
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r == '+' || r == '(' || r == ')' || r == ' ' || r == '-':
		default:
			return dashesInNumber(v)
		}
	}
	if !digits {
		return v
	}
	return p
}

func formatChar(r rune) bool { return unicode.Is(unicode.Cf, r) }

// dashesInNumber is v with each dash phoneDashes knows that stands between
// a digit (or a closing bracket: (03)ー1234) and a digit (or an opening
// one) as an ASCII dash.
func dashesInNumber(v string) string {
	rs := []rune(v)
	changed := false
	for i := 1; i < len(rs)-1; i++ {
		before, after := rs[i-1], rs[i+1]
		if (before >= '0' && before <= '9' || before == ')') && (after >= '0' && after <= '9' || after == '(') {
			if d := phoneDashes.Replace(string(rs[i])); d == "-" && rs[i] != '-' {
				rs[i], changed = '-', true
			}
		}
	}
	if !changed {
		return v
	}
	return string(rs)
}

// phoneAttributes are the attributes holding a phone number: the phone
// and a mobile's, each written so (phoneValue) and asked in boxes alike.
var phoneAttributes = map[string]bool{"phone": true, "mobile": true}

// sharedPhoneName is the name of a phone's field (as lastBracketed reads
// it) whose name is followed by empty brackets (tel[], 電話番号[],
// keitai[], form_fields[tel][]): a number's boxes sharing one name. Only a
// phone's or a mobile's: a checkbox group's (industry[]) stays custom, its
// values comma-joined being no one value an SFA's field takes.
func sharedPhoneName(key string) (string, bool) {
	base, ok := strings.CutSuffix(key, "[]")
	if !ok || base == "" {
		return "", false
	}
	inner := lastBracketed(base)
	if name, _ := spacedAttribute(inner); !phoneAttributes[name] {
		return "", false
	}
	return inner, true
}

// sharedBoxes is a number asked in two to four boxes of one name (tel[]),
// which the tag sends comma-joined in the form's order (03,1234,5678),
// joined by dashes as boxes of their own names are (joinPhoneBoxes): each
// part digits only, 15 at most in all. A comma in the SFA's Phone is a
// dialler's pause, not a number sales can call.
func sharedBoxes(v string) (string, bool) {
	parts := strings.Split(v, ",")
	if len(parts) < 2 || len(parts) > 4 {
		return "", false
	}
	digits := 0
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
		if !digitsOnly(parts[i]) {
			return "", false
		}
		digits += len(parts[i])
	}
	if digits > maxPhoneDigits {
		return "", false
	}
	return strings.Join(parts, "-"), true
}

// phoneBox is the name of one box of a number asked in several, and which
// box: tel1, tel_2, phone-3, 電話番号1, tel[0], tel[data][2] (MW WP Form),
// form_fields[tel1]; a mobile's too (keitai1, 携帯電話1). The index is one
// digit; group is the name without it, the same for a number's boxes;
// attr the number's attribute (phone or mobile).
func phoneBox(key string) (group string, index int, attr string, ok bool) {
	var base, digit string
	if k, bracketed := strings.CutSuffix(key, "]"); bracketed && len(k) > 2 && k[len(k)-2] == '[' {
		group, digit = k[:len(k)-2], k[len(k)-1:] // tel[0], tel[data][0]
		base = strings.TrimSuffix(group, "[data]")
	} else {
		inner := lastBracketed(key)
		if len(inner) < 2 {
			return "", 0, "", false
		}
		digit = inner[len(inner)-1:]
		base = strings.TrimRight(inner[:len(inner)-1], "_-")
		group = key[:strings.LastIndex(key, inner)] + base
	}
	n, err := strconv.Atoi(digit)
	if err != nil || base == "" {
		return "", 0, "", false
	}
	if attr, _ = spacedAttribute(lastBracketed(base)); !phoneAttributes[attr] {
		return "", 0, "", false
	}
	return group, n, attr, true
}

// joinPhoneBoxes moves a number asked in two to four boxes (their names by
// phoneBox, numbered without a gap, each digits only, 15 digits at most in
// all) out of custom into known's attr (phone, or mobile for a mobile's
// boxes), joined by dashes in the boxes' order, unless that number was
// given whole. Boxes that do not make a number stay custom, as sent.
func joinPhoneBoxes(known, custom map[string]string, attr string) {
	if _, ok := known[attr]; ok {
		return
	}
	type box struct {
		key   string
		index int
	}
	groups := map[string][]box{}
	for k, v := range custom {
		if base, i, a, ok := phoneBox(k); ok && a == attr && digitsOnly(v) {
			groups[base] = append(groups[base], box{k, i})
		}
	}
	bases := make([]string, 0, len(groups))
	for b := range groups {
		bases = append(bases, b)
	}
	sort.Strings(bases) // of two such numbers, the same one every time
	for _, b := range bases {
		bs := groups[b]
		if len(bs) < 2 || len(bs) > 4 {
			continue
		}
		sort.Slice(bs, func(i, j int) bool { return bs[i].index < bs[j].index })
		parts, digits := make([]string, len(bs)), 0
		for i, x := range bs {
			if x.index != bs[0].index+i || bs[0].index > 1 {
				parts = nil // a gap, or not the first box: not one number
				break
			}
			parts[i] = custom[x.key]
			digits += len(parts[i])
		}
		// Boxes of one number hold at most E.164's 15 digits in all; more
		// are numbers given whole (tel1 the office's, tel2 a mobile's).
		if parts == nil || digits > maxPhoneDigits {
			continue
		}
		known[attr] = strings.Join(parts, "-")
		for _, x := range bs {
			delete(custom, x.key)
		}
		return
	}
}

// maxPhoneDigits is the most digits a phone number has (E.164; a
// Japanese one has 10 or 11).
const maxPhoneDigits = 15

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
