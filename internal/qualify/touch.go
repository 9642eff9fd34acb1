package qualify

import (
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// Touch is a marketing touch kept on the score record, so reports and
// attribution outlive the raw events' retention.
type Touch struct {
	At       time.Time `json:"at"`
	Channel  string    `json:"channel"` // search, social, email, paid, referral, direct; offline: exhibition, seminar, webinar, business-card
	Source   string    `json:"source,omitempty"`
	Medium   string    `json:"medium,omitempty"`
	Campaign string    `json:"campaign,omitempty"`
	EventID  string    `json:"eventId"`
}

// WebChannels are the channels TouchOf gives a visit or a newsletter
// click; an offline touch has one of event.OfflineChannels.
var WebChannels = []string{"search", "social", "email", "paid", "referral", "direct"}

// Channels are every channel a touch may have: what a report's channel
// filter may name.
func Channels() []string {
	return append(slices.Clone(WebChannels), event.OfflineChannels...)
}

// maxTouches bounds the record: the first touch and the latest ones.
const maxTouches = 30

// TouchOf reports whether an event is a marketing touch and classifies it:
// UTM parameters, a newsletter click, an offline touch (its channel, the
// event's name as the campaign), or an external referrer. A visit without
// any of them is direct, and counts only as a person's first touch.
func TouchOf(ev event.Event) (Touch, bool) {
	t := Touch{At: ev.Timestamp, Source: ev.UTM.Source, Medium: strings.ToLower(ev.UTM.Medium), Campaign: ev.UTM.Campaign, EventID: ev.ID}
	switch {
	case ev.Type == event.Offline:
		ch, _ := ev.Properties["channel"].(string)
		if ch == "" {
			return t, false
		}
		t.Channel, t.Medium = ch, "offline"
		t.Campaign, _ = ev.Properties["event"].(string)
		return t, true
	case ev.Type == event.EmailClick:
		t.Channel, t.Medium = "email", "email"
		if c, _ := ev.Properties["campaign"].(string); c != "" && t.Campaign == "" {
			t.Campaign = c
		}
		return t, true
	case !ev.UTM.Empty():
		t.Channel = channelOfMedium(t.Medium, t.Source)
		return t, true
	case ev.Referrer != "":
		ru, err1 := url.Parse(ev.Referrer)
		pu, err2 := url.Parse(ev.URL)
		if err1 == nil && err2 == nil && ru.Hostname() != "" && !strings.EqualFold(ru.Hostname(), pu.Hostname()) {
			t.Source = strings.TrimPrefix(strings.ToLower(ru.Hostname()), "www.")
			t.Channel = channelOfReferrer(t.Source)
			return t, true
		}
	case ev.Type == event.PageView:
		t.Channel = "direct"
		return t, true
	}
	return t, false
}

func channelOfMedium(medium, source string) string {
	switch medium {
	case "cpc", "ppc", "paid", "paidsearch", "display", "cpm", "paid_social":
		return "paid"
	case "email", "newsletter", "e-mail":
		return "email"
	case "social", "social-media", "sns":
		return "social"
	case "organic":
		return "search"
	}
	if c := channelOfReferrer(strings.ToLower(source)); c != "referral" {
		return c
	}
	return "referral"
}

var searchEngines = []string{"google.", "bing.", "yahoo.", "duckduckgo.", "baidu.", "yandex.", "ecosia.", "naver."}
var socialSites = []string{"facebook.", "twitter.", "x.com", "t.co", "linkedin.", "lnkd.in", "instagram.", "youtube.", "note.com", "qiita.com", "threads.net"}

func channelOfReferrer(host string) string {
	for _, s := range searchEngines {
		if strings.Contains(host, s) {
			return "search"
		}
	}
	for _, s := range socialSites {
		if strings.HasPrefix(host, s) || strings.Contains(host, "."+s) || host == strings.TrimSuffix(s, ".") {
			return "social"
		}
	}
	return "referral"
}

// addTouches merges new touches into the record's list, oldest first:
// direct visits only as the very first touch; capped at maxTouches (the
// first touch is always kept).
func addTouches(list []Touch, evs []event.Event) []Touch {
	seen := make(map[string]bool, len(list))
	for _, t := range list {
		seen[t.EventID] = true
	}
	var first time.Time // the oldest touch so far
	if len(list) > 0 {
		first = list[0].At
	}
	for i := range evs {
		ev := &evs[i]
		if ev.Flagged() || seen[ev.ID] {
			continue
		}
		t, ok := TouchOf(*ev)
		if !ok {
			continue
		}
		if len(list) > 0 && t.Channel == "direct" && !t.At.Before(first) {
			continue // not the first touch: the filter below would drop it
		}
		seen[ev.ID] = true
		list = append(list, t)
		if len(list) == 1 || t.At.Before(first) {
			first = t.At
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].At.Before(list[j].At) })
	out := list[:0]
	for i, t := range list {
		if t.Channel == "direct" && i > 0 {
			continue
		}
		out = append(out, t)
	}
	if len(out) > maxTouches {
		out = append(out[:1], out[len(out)-maxTouches+1:]...)
	}
	return out
}
