package config

import (
	"strings"
	"testing"
	"time"
)

// accept_within in working days (bd, 営業日) is the calendar's working
// day; days with business_time warn that they are 24 working hours; a
// number of working days needs business_time.
func TestAcceptWithinWorkingDays(t *testing.T) {
	for _, c := range []struct {
		src  string
		want time.Duration // on 09:00-17:30
		warn string
		err  string
	}{
		{src: "sla: {accept_within: 2bd, business_time: true}\ncalendar: {hours: \"09:00-17:30\"}\n", want: 17 * time.Hour},
		{src: "sla: {accept_within: 1営業日, business_time: true}\ncalendar: {hours: \"09:00-17:30\"}\n", want: 8*time.Hour + 30*time.Minute},
		{src: "sla: {accept_within: 0.5bd, business_time: true}\ncalendar: {hours: \"09:00-17:30\"}\n", want: 4*time.Hour + 15*time.Minute},
		{src: "sla: {accept_within: 2.3bd, business_time: true}\ncalendar: {hours: \"09:00-17:00\"}\n", want: 18*time.Hour + 24*time.Minute},
		{src: "sla: {accept_within: 2.3bd, business_time: true}\ncalendar: {hours: \"09:00-16:30\"}\n", want: 17*time.Hour + 15*time.Minute},
		{src: "sla: {accept_within: 8h, business_time: true}\n", want: 8 * time.Hour},
		{src: "sla: {accept_within: ２営業日, business_time: true}\n", want: 18 * time.Hour},
		{src: "sla: {accept_within: 1e-300bd, business_time: true}\n", err: "bad number of working days"},
		{src: "sla: {accept_within: 1d, business_time: true}\n", want: 24 * time.Hour, warn: "1d with business_time is 24 working hours (a day is 24 hours); for 1 working day of the calendar's hours write 1bd"},
		{src: "sla: {accept_within: 2d, business_time: true}\n", want: 48 * time.Hour, warn: "for 2 working days of"},
		{src: "sla: {accept_within: 1d}\n", want: 24 * time.Hour},
		{src: "sla: {business_time: true}\n", want: 24 * time.Hour},
		{src: "sla: {accept_within: 2bd}\n", err: "need sla.business_time: true (or write a duration, e.g. 48h)"},
		{src: "sla: {accept_within: ２営業日}\n", err: "accept_within: 2営業日 counts working days, which need sla.business_time: true"},
		{src: "sla: {accept_within: 0bd, business_time: true}\n", err: "line 1: bad number of working days"},
		{src: "sla: {accept_within: -1bd, business_time: true}\n", err: "bad number of working days"},
		{src: "sla: {accept_within: NaNbd, business_time: true}\n", err: "bad number of working days"},
		{src: "sla: {accept_within: 0h}\n", err: "longer than 0"},
		{src: "sla: {accept_within: 2 days}\n", err: "working days 2bd (2営業日)"},
	} {
		var f File
		err := ParseFile([]byte(c.src), &f)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: %v, want an error saying %q", c.src, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.src, err)
			continue
		}
		f.defaults()
		cal, err := f.Cal()
		if err != nil {
			t.Fatal(err)
		}
		if got := f.AcceptWithin(cal); got != c.want {
			t.Errorf("%q: %v, want %v", c.src, got, c.want)
		}
		w := strings.Join(f.Warnings(), "\n")
		if c.warn == "" && w != "" || !strings.Contains(w, c.warn) {
			t.Errorf("%q: warnings %q, want %q", c.src, w, c.warn)
		}
	}
}

// internal_traffic is checked at start-up, each bad value named.
func TestInternalTrafficChecked(t *testing.T) {
	for src, want := range map[string]string{
		"internal_traffic: {ips: [10.1.2.3/8]}\n":           "internal_traffic.ips: \"10.1.2.3/8\" has host bits set: write the network, 10.0.0.0/8",
		"internal_traffic: {ips: [本社]}\n":                   "internal_traffic.ips: \"本社\" is neither an address nor a network",
		"internal_traffic: {email_domains: [\"*.acme\"]}\n": "internal_traffic.email_domains",
	} {
		if err := ParseFile([]byte(src), &File{}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", src, err, want)
		}
	}
	var f File
	if err := ParseFile([]byte("internal_traffic: {ips: [203.0.113.0/24, 198.51.100.7], email_domains: [acme.co.jp]}\n"), &f); err != nil {
		t.Fatal(err)
	}
	if in, err := f.Internal(); err != nil || !in.Nets() || !in.Email("x@acme.co.jp") {
		t.Fatalf("%v %v", in, err)
	}
	if w := f.Warnings(); len(w) != 0 {
		t.Errorf("warned of %v", w)
	}
	f = File{}
	if err := ParseFile([]byte("internal_traffic: {ips: [0.0.0.0/0, \"::/0\", 10.0.0.0/8]}\n"), &f); err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(f.Warnings(), "\n"); !strings.Contains(w, "0.0.0.0/0 is wider than any office network") || !strings.Contains(w, "::/0") || strings.Contains(w, "10.0.0.0/8") {
		t.Errorf("warnings %q", w)
	}
}
