package feedback

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxAmount is the largest amount a deal takes (qualify.ValidateDeal).
const maxAmount = 1_000_000_000_000_000

// kanjiUnits are the multipliers a Japanese amount is written with (120万,
// 1億2000万), largest first. 千 and kanji digits (百二十万) are not read:
// they are refused, not guessed.
var kanjiUnits = []struct {
	r rune
	n int64
}{{'兆', 1_000_000_000_000}, {'億', 100_000_000}, {'万', 10_000}}

// kintoneAmount reads an amount as a kintone app holds it: a NUMBER
// field's "1200000", or a text field typed in Japanese: 1,200,000円,
// ¥1,200,000 (￥), 1200000 円, full-width digits (read after NFKC), 120万,
// 1億2000万, 1.2億. yen says the value named its currency (円, ¥). Amounts
// with 万/億 are computed in integers, exactly; anything else (三百万, 1e6,
// -5, $100, 5千) is an error: a deal is refused rather than misread.
func kintoneAmount(raw string) (amount float64, yen bool, err error) {
	s := fold(raw)
	if t, ok := strings.CutPrefix(s, "¥"); ok { // ￥ folds to ¥
		s, yen = strings.TrimSpace(t), true
	}
	if t, ok := strings.CutSuffix(s, "円"); ok {
		s, yen = strings.TrimSpace(t), true
	}
	if s == "" {
		return 0, yen, errors.New("no digits")
	}
	if !strings.ContainsAny(s, "兆億万") {
		digits, ok := uncomma(s)
		if !ok || !plainDecimal(digits) {
			return 0, yen, errors.New("not digits")
		}
		a, err := strconv.ParseFloat(digits, 64)
		if err != nil || a > maxAmount {
			return 0, yen, errors.New("out of range")
		}
		return a, yen, nil
	}
	n, err := kanjiAmount(s)
	return float64(n), yen, err // at most maxAmount < 2^53: exact
}

// uncomma takes the thousands separators out of a number: each comma
// before the decimal point with three digits after it (1,200,000). Others
// (1,5: a decimal comma elsewhere) are not: false.
func uncomma(s string) (string, bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if strings.Contains(frac, ",") {
		return "", false
	}
	parts := strings.Split(whole, ",")
	for i, p := range parts[1:] {
		if len(p) != 3 || i == 0 && parts[0] == "" {
			return "", false
		}
	}
	whole = strings.Join(parts, "")
	if dot {
		return whole + "." + frac, true
	}
	return whole, true
}

// plainDecimal: digits, with at most one decimal point between digits.
func plainDecimal(s string) bool {
	whole, frac, dot := strings.Cut(s, ".")
	return allDigits(whole) && (!dot || allDigits(frac))
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// kanjiAmount reads groups of digits each followed by a multiplier (兆,
// 億, 万, in that order) and digits with none last: 1億2000万 is
// 100,000,000 + 20,000,000. A group after the first is below the one
// before it (1億2000万, not 1億12000万); a multiplier's digits may have a
// decimal point where the product stays whole (1.2億, 2.5万).
func kanjiAmount(s string) (int64, error) {
	var total int64
	prev := int64(0) // the previous group's multiplier; 0: none yet
	for s != "" {
		i := strings.IndexFunc(s, func(r rune) bool { return r == '兆' || r == '億' || r == '万' })
		digits, unit := s, int64(1)
		if i >= 0 {
			digits = s[:i]
			r := []rune(s[i:])[0]
			for _, u := range kanjiUnits {
				if u.r == r {
					unit = u.n
				}
			}
			s = strings.TrimSpace(s[i+len(string(r)):])
		} else {
			s = ""
		}
		digits, ok := uncomma(strings.TrimSpace(digits))
		if !ok {
			return 0, errors.New("misplaced commas")
		}
		if prev != 0 && unit >= prev {
			return 0, errors.New("multipliers out of order")
		}
		v, err := scaled(digits, unit)
		if err != nil {
			return 0, err
		}
		if prev != 0 && v >= prev {
			return 0, fmt.Errorf("%s is not below the multiplier before it", digits)
		}
		if total += v; total > maxAmount {
			return 0, errors.New("out of range")
		}
		if unit == 1 {
			if s != "" {
				return 0, errors.New("digits after the last multiplier's group")
			}
			break
		}
		prev = unit
	}
	return total, nil
}

// scaled is digits (with at most one decimal point) times unit, when it is
// a whole number no larger than maxAmount.
func scaled(digits string, unit int64) (int64, error) {
	if !plainDecimal(digits) {
		return 0, errors.New("not digits")
	}
	whole, frac, _ := strings.Cut(digits, ".")
	frac = strings.TrimRight(frac, "0")
	div := int64(1)
	for range frac {
		if div *= 10; div > unit || unit%div != 0 {
			return 0, errors.New("a fraction of a yen")
		}
	}
	if len(whole) > 16 {
		return 0, errors.New("out of range")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > maxAmount/unit {
		return 0, errors.New("out of range")
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64) // at most 12 digits: unit%div
	}
	v := w*unit + f*(unit/div)
	if v > maxAmount {
		return 0, errors.New("out of range")
	}
	return v, nil
}

// kintoneCurrency is a kintone currency field's value as an ISO 4217 code:
// 円, ¥ (￥) and 日本円, which a Japanese app's dropdown commonly holds, are
// JPY; anything else is taken as a code (jpy is JPY), checked later.
func kintoneCurrency(raw string) string {
	s := fold(raw)
	switch s {
	case "円", "¥", "日本円":
		return "JPY"
	}
	return strings.ToUpper(s)
}
