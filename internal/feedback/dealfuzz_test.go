package feedback

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/qualify"
)

// FuzzDealFields: whatever a kintone record or a HubSpot date holds, the
// deal read from it is refused or valid.
func FuzzDealFields(f *testing.F) {
	f.Add([]byte(`{"record":{"amount":{"type":"NUMBER","value":"1200000"},"currency":{"value":"JPY"},"close_date":{"value":"2026-11-30"}}}`), "1795000000000")
	f.Add([]byte(`{"record":{"amount":{"value":"NaN"},"close_date":{"value":"2026-11-30T10:00:00+09:00"}}}`), "2026-11-30")
	f.Fuzz(func(t *testing.T, body []byte, date string) {
		if d, err := kintoneDeal(body, KintoneDealFields{}, "won", time.FixedZone("JST", 9*3600)); err == nil && d != nil {
			if err := qualify.ValidateDeal(*d); err != nil {
				t.Fatalf("accepted an invalid deal %+v: %v", d, err)
			}
		}
		if cd, err := hubspotDate(date); err == nil {
			if err := qualify.ValidateDeal(qualify.DealReport{CloseDate: cd}); err != nil {
				t.Fatalf("%q gave %q: %v", date, cd, err)
			}
		}
	})
}

// TestHubSpotDateOutOfRange: milliseconds beyond year 9999 (or before 1)
// are an error naming the value, not a malformed date.
func TestHubSpotDateOutOfRange(t *testing.T) {
	for _, v := range []string{"999999999999999999", "-999999999999999"} {
		if cd, err := hubspotDate(v); err == nil {
			t.Errorf("%s gave %q", v, cd)
		}
	}
	if cd, err := hubspotDate("1795000000000"); err != nil || cd != "2026-11-18" {
		t.Fatalf("%q %v", cd, err)
	}
}

// TestStageOutcome: an org's own stage names (受注, 失注) are read by the
// stage's IsWon and IsClosed; a change event sends changed fields only,
// an Outbound Message every field chosen.
func TestStageOutcome(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		stage       string
		won, closed *bool
		changedOnly bool
		want        string
	}{
		{"Closed Won", nil, nil, true, "won"},
		{"Closed Lost", nil, nil, false, "lost"},
		{"受注", &yes, &yes, false, "won"},
		{"受注", &yes, nil, true, "won"},             // closed before, lost then won
		{"失注", &no, &yes, false, "lost"},           // an Outbound Message
		{"失注", nil, &yes, true, "lost"},            // open to lost: IsWon stayed false
		{"失注（競合）", &no, nil, true, "lost"},         // won to lost: IsClosed stayed true
		{"提案中", &no, &no, false, ""},               // open
		{"提案中", nil, &no, true, ""},                // reopened
		{"提案中", &no, nil, false, ""},               // a message choosing IsWon alone: open or lost, unknown
		{"Negotiation/Review", nil, nil, true, ""}, // no flags: the stage changed its deal alone
	} {
		if got := stageOutcome(c.stage, c.won, c.closed, c.changedOnly); got != c.want {
			t.Errorf("stageOutcome(%q, %v, %v, %v) = %q, want %q", c.stage, c.won, c.closed, c.changedOnly, got, c.want)
		}
	}
}

// TestKintoneAmount: what a Japanese kintone app's amount field commonly
// holds is read exactly (integers, no float rounding); anything else is
// refused, not guessed.
func TestKintoneAmount(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		yen  bool
	}{
		{"1200000", 1200000, false},
		{"1,200,000", 1200000, false},
		{"1200000.5", 1200000.5, false},
		{"1.5円", 1.5, true},
		{"1,200,000.5", 1200000.5, false},
		{"1,200,000円", 1200000, true},
		{"1200000 円", 1200000, true},
		{"￥1,200,000", 1200000, true},
		{"¥1,200,000", 1200000, true},
		{"¥ 1,200,000円", 1200000, true},
		{"１，２００，０００円", 1200000, true},
		{"120万", 1200000, false},
		{"120万円", 1200000, true},
		{"１２０万円", 1200000, true},
		{"1億2000万", 120000000, false},
		{"1億2000万円", 120000000, true},
		{"1億", 100000000, false},
		{"1.2億", 120000000, false},
		{"2.5万", 25000, false},
		{"120万5000円", 1205000, true},
		{"1,200万", 12000000, false},
		{"3億5万", 300050000, false},
		{"1兆", 1e12, false},
		{"1000兆", 1e15, false},
	} {
		got, yen, err := kintoneAmount(c.in)
		if err != nil || got != c.want || yen != c.yen {
			t.Errorf("kintoneAmount(%q) = %v, %v, %v; want %v, %v", c.in, got, yen, err, c.want, c.yen)
		}
	}
	for _, in := range []string{
		"三百万", "百二十万円", "一億二千万", "5千", "1億2千万", "120万 and change", "$1,200", "USD 100", "-5", "+5", "1e6",
		"NaN", "Inf", "0x10", "円", "¥", "万", "1億万", "1万2億", "1億12000万", "120万12000", "1.23456万", "0.5万0.5",
		"1,2.5", "1,5", "1,20,000", ",100", "100,", "1.000,5", "1,5万", "1..2", ".5", "5.", "1000兆1", "9999兆9999億9999万9999", "99999999999999999999", "1 200 000", "1万円円", "約120万",
	} {
		if got, _, err := kintoneAmount(in); err == nil {
			t.Errorf("kintoneAmount(%q) = %v, want refused", in, got)
		}
	}
	for in, want := range map[string]string{"円": "JPY", "￥": "JPY", "¥": "JPY", "日本円": "JPY", "JPY": "JPY", "jpy": "JPY", "ＪＰＹ": "JPY", " 円 ": "JPY", "USD": "USD", "": ""} {
		if got := kintoneCurrency(in); got != want {
			t.Errorf("kintoneCurrency(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzKintoneAmount: whatever an amount field holds, kintoneAmount refuses
// it or gives an amount a deal takes; and any whole amount a deal takes,
// written as sales write it (円, ¥ and commas, 億 and 万), reads back exactly.
func FuzzKintoneAmount(f *testing.F) {
	for _, s := range []string{"1,200,000円", "￥1,200,000", "120万", "1億2000万", "1.2億", "三百万", "1e6", "-5", "１２０万円", ""} {
		f.Add(s, uint64(1200000))
	}
	f.Add("", uint64(1e15))
	f.Add("", uint64(120000000))
	f.Fuzz(func(t *testing.T, s string, n uint64) {
		if a, _, err := kintoneAmount(s); err == nil {
			if err := qualify.ValidateDeal(qualify.DealReport{Amount: &a}); err != nil {
				t.Fatalf("%q gave %v: %v", s, a, err)
			}
			if strings.ContainsAny(s, "万億兆") && a != float64(int64(a)) {
				t.Fatalf("%q gave a fraction: %v", s, a)
			}
		}
		n %= maxAmount + 1
		for _, w := range []string{strconv.FormatUint(n, 10) + "円", "¥" + commas(n), "￥" + commas(n) + "円", kanjiWritten(n), kanjiWritten(n) + "円"} {
			if a, _, err := kintoneAmount(w); err != nil || a != float64(n) {
				t.Fatalf("%d written %q read %v, %v", n, w, a, err)
			}
		}
	})
}

// commas writes n with thousands separators.
func commas(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// kanjiWritten writes n with 兆, 億 and 万 as Japanese amounts are written
// (1億2000万, 120万5000), zero groups left out.
func kanjiWritten(n uint64) string {
	if n == 0 {
		return "0"
	}
	var b strings.Builder
	for _, u := range []struct {
		name string
		n    uint64
	}{{"兆", 1e12}, {"億", 1e8}, {"万", 1e4}} {
		if g := n / u.n; g > 0 {
			b.WriteString(strconv.FormatUint(g, 10) + u.name)
			n %= u.n
		}
	}
	if n > 0 {
		b.WriteString(strconv.FormatUint(n, 10))
	}
	return b.String()
}
