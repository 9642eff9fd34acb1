package rulebook

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Range is the quantity a form value states: a number (300名: 300 to
// 300) or a span of them, as Japanese B2B forms' choices for 従業員数 and
// 売上高 are written (10〜49名, 50名未満, 100億円以上). Quantities are
// never negative, so a value with no lower bound (50名未満) starts at 0;
// HasHi is false for one with no upper bound (1,000名以上).
type Range struct {
	Lo, Hi         float64
	HasHi          bool
	LoOpen, HiOpen bool // the bound itself is excluded: 超 (>), 未満 (<)
	// Whole: the value counts whole things (people, companies, yen), so
	// 50名未満 is at most 49 and 1万人超 at least 10,001.
	Whole bool
}

// numUnits are the multipliers Japanese writes numbers with, largest first
// (1兆2000億円, 1.5億円, 3千人, 5千万円).
var numUnits = []struct {
	name string
	mul  float64
}{{"兆", 1e12}, {"億", 1e8}, {"万", 1e4}, {"千", 1e3}}

// countUnits name what is counted in whole numbers; a value with another
// unit after its number (50%未満, 3.5時間) is not Whole.
var countUnits = []string{"名", "人", "社", "円", "件"}

// Bound words: after a number they say which side of it the value lies.
var (
	atLeast  = []string{"以上", "+"}
	over     = []string{"超過", "超え", "超", "より多い", "を超える"}
	atMost   = []string{"以下", "以内", "まで"}
	lessThan = []string{"未満", "より少ない"}
	// rangeSeps join the two ends of a span (10〜49名, 50-99名, 1から9名).
	// NFKC has made ～ and － the ASCII ~ and -.
	rangeSeps = []string{"~", "〜", "-", "–", "—", "‐", "−", "ー", "から"}
)

// ParseRange reads the quantity in a form value: the first number in it
// (digits with commas and a fraction, full-width ones too, times 万 / 億 /
// 兆 / 千 and a smaller part: 1億2000万円), what bounds it (以上, 以下,
// 未満, 超, or a prefix ～, <, >, ≤, ≥) and the second end of a span
// after ～ / 〜 / - (10億円～50億円未満, 100名以上1,000名未満); 約 and
// およそ are read past. A span whose first end has no multiplier takes the
// second's (1～10億円 is 1億 to 10億). ok is false for a value without a
// number (非公開, わからない) or with a span that is empty.
func ParseRange(s string) (r Range, ok bool) {
	s = norm.NFKC.String(s)
	i := strings.IndexFunc(s, isDigit)
	if i < 0 {
		return Range{}, false
	}
	prefix := strings.TrimRightFunc(s[:i], unicode.IsSpace)
	for _, w := range []string{"約", "およそ", "概ね", "approx.", "approx", "about", "ca."} {
		prefix = strings.TrimRightFunc(strings.TrimSuffix(prefix, w), unicode.IsSpace)
	}
	lo, loMul, n := readNumber(s[i:])
	if n == 0 {
		return Range{}, false
	}
	rest := s[i+n:]
	unit, rest := cutUnit(rest)
	whole := unit != "other"
	r = Range{Lo: lo, Hi: lo, HasHi: true}
	switch w, after := cutWord(rest, atLeast, over, atMost, lessThan); {
	case w == 1 || w == 2: // 100名以上, 1万人超
		r = Range{Lo: lo, LoOpen: w == 2}
		// 100名以上1,000名未満: the upper end may follow with no separator.
		// It must say 未満 or 以下 then: 1,000名以上 2023年度 is no span.
		secondEnd(strings.TrimLeft(after, " 、,~〜-"), loMul, true, &r, &whole)
	case w == 3 || w == 4: // 49名以下, 50名未満
		r = Range{Hi: lo, HasHi: true, HiOpen: w == 4}
	case hasSuffix(prefix, "~", "〜", "<", "≤", "≦"):
		// ～9名: up to 9 (a form's first choice); <50: under 50.
		r = Range{Hi: lo, HasHi: true, HiOpen: hasSuffix(prefix, "<")}
	case hasSuffix(prefix, ">", "≥", "≧"):
		r = Range{Lo: lo, LoOpen: hasSuffix(prefix, ">")}
	default:
		if _, after, sep := cutAny(strings.TrimLeftFunc(rest, unicode.IsSpace), rangeSeps); sep {
			// 1,000名～ (and no upper end): 1,000 or more.
			r = Range{Lo: lo}
			secondEnd(after, loMul, false, &r, &whole)
		}
	}
	r.Whole = whole && r.Lo == math.Trunc(r.Lo) && (!r.HasHi || r.Hi == math.Trunc(r.Hi))
	if math.IsInf(r.Lo, 0) || math.IsNaN(r.Lo) || r.HasHi && (math.IsInf(r.Hi, 0) || math.IsNaN(r.Hi)) {
		return Range{}, false
	}
	if r.HasHi && r.Lo > r.Hi {
		// 99-50名: the ends written the other way round.
		r.Lo, r.Hi, r.LoOpen, r.HiOpen = r.Hi, r.Lo, r.HiOpen, r.LoOpen
	}
	if r.HasHi && r.Lo == r.Hi && (r.LoOpen || r.HiOpen) {
		return Range{}, false // 10億円超10億円未満: nothing
	}
	return r, true
}

// secondEnd reads a span's upper end at the start of s (after 約) into r:
// 49名, 50億円未満, 99名以下. The first end, read without a multiplier
// (loMul 1), takes the second's when that keeps it below (1～10億円).
// bounded: read it only if it says 以下, 以内, まで or 未満.
func secondEnd(s string, loMul float64, bounded bool, r *Range, whole *bool) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	for _, w := range []string{"約", "およそ"} {
		s = strings.TrimLeftFunc(strings.TrimPrefix(s, w), unicode.IsSpace)
	}
	hi, hiMul, n := readNumber(s)
	if n == 0 {
		return
	}
	unit, rest := cutUnit(s[n:])
	w, _ := cutWord(rest, atLeast, over, atMost, lessThan)
	if bounded && w != 3 && w != 4 {
		return
	}
	if unit == "other" {
		*whole = false
	}
	if loMul == 1 && hiMul > 1 && r.Lo*hiMul <= hi {
		r.Lo *= hiMul
	}
	r.Hi, r.HasHi, r.HiOpen = hi, true, w == 4
}

// readNumber reads the number s starts with: digits, commas, a fraction,
// then multipliers (1億2000万 is 120,000,000, 5千万 50,000,000). mul is
// the largest multiplier read (1 for none); n the bytes read (0: none).
func readNumber(s string) (v, mul float64, n int) {
	j := 0
	for j < len(s) && (isDigitByte(s[j]) || s[j] == ',' && j > 0) {
		j++
	}
	j = len(strings.TrimRight(s[:j], ","))
	if j < len(s) && s[j] == '.' && j+1 < len(s) && isDigitByte(s[j+1]) {
		j++
		for j < len(s) && isDigitByte(s[j]) {
			j++
		}
	}
	if j == 0 {
		return 0, 0, 0
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s[:j], ",", ""), 64)
	if err != nil {
		return 0, 0, 0
	}
	mul = 1
	rest := s[j:]
	for k, u := range numUnits {
		after, ok := strings.CutPrefix(rest, u.name)
		if !ok {
			continue
		}
		mul = u.mul
		if u.name == "千" {
			// 5千万, 3千億: 千 before a larger multiplier multiplies it.
			for _, big := range numUnits[:k] {
				if a, ok := strings.CutPrefix(after, big.name); ok {
					mul, after = 1e3*big.mul, a
					break
				}
			}
		}
		// Rounded to millionths: 0.07万 is 700, not 700.0000000000001.
		v = math.Round(v*mul*1e6) / 1e6
		n = len(s) - len(after)
		// A smaller part after it: 1億2000万, 1万2千.
		if after != "" && isDigitByte(after[0]) {
			if more, moreMul, k := readNumber(after); k > 0 && more < mul && moreMul < mul {
				v += more
				n += k
			}
		}
		return v, mul, n
	}
	return v, mul, j
}

// cutUnit takes the unit after a number (名, 人, 円 ...) off s: "" for
// none, "other" for another word (%, 時間) that is not counted whole.
func cutUnit(s string) (string, string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	for _, u := range countUnits {
		if rest, ok := strings.CutPrefix(s, u); ok {
			return u, strings.TrimLeftFunc(rest, unicode.IsSpace)
		}
	}
	if s == "" || startsWithAny(s, atLeast, over, atMost, lessThan, rangeSeps) {
		return "", s
	}
	if c, _ := utf8.DecodeRuneInString(s); unicode.IsLetter(c) || unicode.IsSymbol(c) || c == '%' {
		return "other", s // 50%, 3時間, 5年
	}
	return "", s // punctuation: 300名（正社員）
}

// cutWord finds which of the word lists s starts with (1-based; 0 none)
// and cuts it.
func cutWord(s string, lists ...[]string) (int, string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	for i, l := range lists {
		if _, rest, ok := cutAny(s, l); ok {
			return i + 1, rest
		}
	}
	return 0, s
}

func cutAny(s string, words []string) (string, string, bool) {
	for _, w := range words {
		if rest, ok := strings.CutPrefix(s, w); ok {
			return w, rest, true
		}
	}
	return "", s, false
}

func startsWithAny(s string, lists ...[]string) bool {
	for _, l := range lists {
		if _, _, ok := cutAny(s, l); ok {
			return true
		}
	}
	return false
}

func hasSuffix(s string, words ...string) bool {
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

func isDigit(r rune) bool     { return r >= '0' && r <= '9' }
func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

// Within is whether the whole range lies in [min, max] (nil: unbounded).
// A range that straddles a bound is not within it: 10〜99名 may be 30
// people or 90, so a rule for at most 49 cannot say.
func (r Range) Within(min, max *float64) bool {
	if min != nil {
		lo := r.Lo
		if r.LoOpen && r.Whole {
			lo = math.Floor(lo) + 1 // 1万人超: 10,001 at least
		}
		if lo < *min {
			return false
		}
	}
	if max != nil {
		if !r.HasHi {
			return false
		}
		hi := r.Hi
		if r.HiOpen && r.Whole {
			hi = math.Ceil(hi) - 1 // 50名未満: 49 at most
		}
		if hi > *max {
			return false
		}
	}
	return true
}
