package rulebook

import (
	"math"
	"testing"
)

// Japanese B2B forms offer 従業員数 and 売上高 as spans (10〜49名, 50名
// 未満, 100億円以上); a fit rule read only their first number, so 「50名
// 未満」 was 50 people and missed small-company (max 49).
func TestParseRange(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		in             string
		lo, hi         float64 // hi inf: no upper end
		loOpen, hiOpen bool
	}{
		{"1～9名", 1, 9, false, false},
		{"10〜49名", 10, 49, false, false},
		{"50-99名", 50, 99, false, false},
		{"100名以上", 100, inf, false, false},
		{"1,000名以上", 1000, inf, false, false},
		{"50名未満", 0, 50, false, true},
		{"5人以下", 0, 5, false, false},
		{"1万人超", 1e4, inf, true, false},
		{"10億円～50億円未満", 1e9, 5e9, false, true},
		{"1億円未満", 0, 1e8, false, true},
		{"100億円以上", 1e10, inf, false, false},
		{"１０～４９名", 10, 49, false, false},
		{"１００名以上", 100, inf, false, false},
		{"約300名", 300, 300, false, false},
		{"およそ1,000人", 1000, 1000, false, false},
		// Single numbers as before.
		{"300名", 300, 300, false, false},
		{"1,200", 1200, 1200, false, false},
		{"1億2000万円", 1.2e8, 1.2e8, false, false},
		{"約3千人", 3000, 3000, false, false},
		{"1万2千人", 12000, 12000, false, false},
		{"1.5万名", 15000, 15000, false, false},
		// More of what forms write.
		{"1～10億円", 1e8, 1e9, false, false},
		{"5千万円未満", 0, 5e7, false, true},
		{"1兆円以上", 1e12, inf, false, false},
		{"100名以上1,000名未満", 100, 1000, false, true},
		{"1,000名～", 1000, inf, false, false},
		{"～9名", 0, 9, false, false},
		{"10,000+", 10000, inf, false, false},
		{"250 - 999 名", 250, 999, false, false},
		{"99-50名", 50, 99, false, false},
		{"1,000名以上 (2023年度)", 1000, inf, false, false},
		{"100名以上 2023年", 100, inf, false, false},
	}
	for _, c := range cases {
		r, ok := ParseRange(c.in)
		hi := r.Hi
		if !r.HasHi {
			hi = inf
		}
		if !ok || r.Lo != c.lo || hi != c.hi || r.LoOpen != c.loOpen || r.HiOpen != c.hiOpen {
			t.Errorf("%s: %+v %v; want [%v, %v] open %v %v", c.in, r, ok, c.lo, c.hi, c.loOpen, c.hiOpen)
		}
	}
	for _, s := range []string{"非公開", "わからない", "", "未満", "10億円超10億円未満"} {
		if r, ok := ParseRange(s); ok {
			t.Errorf("%q: %+v, want no number", s, r)
		}
	}
}

func TestRangeWithin(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		in       string
		min, max *float64
		want     bool
	}{
		{"50名未満", nil, f(49), true}, // people are whole: under 50 is at most 49
		{"10〜49名", nil, f(49), true},
		{"10〜99名", nil, f(49), false}, // straddles 49: 30 people or 90
		{"50-99名", nil, f(49), false},
		{"100名以上", nil, f(49), false},
		{"100名以上", f(250), nil, false}, // 100 to any: may be fewer than 250
		{"1,000名以上", f(250), nil, true},
		{"250-999", f(250), nil, true},
		{"1万人超", f(10001), nil, true},
		{"1万人超", f(10002), nil, false},
		{"300名", f(250), f(300), true},
		{"1億円未満", nil, f(99999999), true},
		{"1億円未満", nil, f(1e8), true},
		{"1億円未満", f(1), nil, false}, // may be 0
		{"1億円以下", nil, f(99999999), false},
		{"0.5%未満", nil, f(0), false}, // not a count: 0.4 is under 0.5
	}
	for _, c := range cases {
		r, ok := ParseRange(c.in)
		if got := ok && r.Within(c.min, c.max); got != c.want {
			t.Errorf("%s in [%v, %v]: %v, want %v (%+v)", c.in, ptr(c.min), ptr(c.max), got, c.want, r)
		}
	}
}

func ptr(p *float64) any {
	if p == nil {
		return "-"
	}
	return *p
}

// The reviewer's form: 「50名未満」 scored fit 0 and grade D, small-company
// (max 49, -10) not firing; 「1億円未満」 missed a revenue rule alike.
func TestFitRulesReadSpans(t *testing.T) {
	e := load(t)
	s, _, cs, _ := e.Fit(map[string]string{"employees": "50名未満"}, "a@corp.example")
	if s != -10 || len(cs) != 1 || cs[0].Rule != "small-company" {
		t.Errorf("50名未満: fit %v %+v, want -10 from small-company", s, cs)
	}
	for v, want := range map[string]float64{"10〜99名": 0, "1,000名以上": 20, "100名以上": 0, "非公開": 0, "５名": -10} {
		if s, _, cs, _ := e.Fit(map[string]string{"employees": v}, "a@corp.example"); s != want {
			t.Errorf("%s: fit %v %+v, want %v", v, s, cs, want)
		}
	}
	// Revenue is in yen, whole: under 1億 is at most 99,999,999 (the
	// first number, 1億, was read and was neither).
	small, large := 99999999.0, 1e8
	sr := &FitRule{Name: "small-revenue", Attribute: "revenue", Max: &small, Points: -5}
	lr := &FitRule{Name: "large-revenue", Attribute: "revenue", Min: &large, Points: 10}
	for v, want := range map[string][2]bool{
		"1億円未満": {true, false}, "5千万円": {true, false}, "1～10億円": {false, true}, "10億円～50億円未満": {false, true},
		"1億円以上": {false, true}, "5000万～2億円": {false, false}, "非公開": {false, false},
	} {
		if got := [2]bool{sr.matches(v), lr.matches(v)}; got != want {
			t.Errorf("revenue %s: under 1億 %v, 1億 or more %v; want %v", v, got[0], got[1], want)
		}
	}
}

// FuzzParseRange: any text reads without a panic, and a span's lower end
// is never above its upper one.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"1～9名", "10〜49名", "50-99名", "100名以上", "1,000名以上", "50名未満", "5人以下", "1万人超",
		"10億円～50億円未満", "1億円未満", "100億円以上", "非公開", "わからない", "約300名", "１０億円", "1億2000万円", "5千万", "1.5万名", "99-50"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := ParseRange(s)
		if !ok {
			return
		}
		if r.Lo < 0 || math.IsNaN(r.Lo) || math.IsInf(r.Lo, 0) {
			t.Fatalf("%q: lower %v", s, r.Lo)
		}
		if r.HasHi && (r.Lo > r.Hi || math.IsNaN(r.Hi) || math.IsInf(r.Hi, 0)) {
			t.Fatalf("%q: %+v", s, r)
		}
	})
}
