// Package links is the registry of tracked newsletter links. A link's
// destination is stored when the marketer registers it and is the only place
// a click ever redirects to: nothing in the clicked URL can change where it
// goes, so Baton cannot be used as an open redirect.
//
// Layout:
//
//	PK=LINK#<id>      SK=LINK   the link: campaign, destination
//	PK=CAMP#<id>      SK=CAMP   the campaign: name, send time, UTM defaults
//	PK=CAMP#<id>      SK=L#<id> the campaign's links
//	PK=CAMPS          SK=CAMP#<id> a copy of each campaign, written with it:
//	                            the list is one query, not a scan (on
//	                            DynamoDB a scan reads every event)
//	PK=CAMPS          SK=~indexed  the copies of campaigns stored before
//	                            them were made (by the sweep, ListOld)
//	PK=CAMPS          SK=~listing  where ListOld's scan resumes, while it
//	                            makes them
//	PK=CAMP#<id>      SK=RCPT#<hmac>, RCPTKEY  the send's recipients, each
//	                            once (recipients.go)
package links

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/textcut"
)

// Link is one registered destination.
type Link struct {
	ID        string    `json:"id"`
	Campaign  string    `json:"campaign"`
	URL       string    `json:"url"`
	Honeypot  bool      `json:"honeypot,omitempty"` // hidden link no human clicks: a click flags a scanner
	CreatedAt time.Time `json:"createdAt"`
}

// Campaign groups the links of one email send.
type Campaign struct {
	ID     string    `json:"id"`
	Name   string    `json:"name,omitempty"`
	SentAt time.Time `json:"sentAt,omitzero"` // clicks seconds after the send are scanners
	UTM    UTM       `json:"utm,omitzero"`    // added to destinations that carry no utm_* of their own
	// ScannerWindow is how many seconds after SentAt a click is a
	// scanner's (0: DefaultScannerWindow). Raise it for a list whose
	// security gateways take longer to scan.
	ScannerWindow int       `json:"scannerWindow,omitempty"`
	CreatedAt     time.Time `json:"createdAt"`
	// Recipients is how many addresses the send's recipient lists gave a
	// token, each once, the last list at ListAt (a count here: the
	// addresses are kept as keyed hashes, recipients.go).
	// A list replaces the earlier ones (a corrected list) unless it is
	// added as a part of the same send (lists are taken up to 5,000 rows);
	// Parts are the counted lists, by a hash of their addresses, so the
	// same part uploaded twice counts once, and an address two parts share
	// counts once. ListGen is the generation of the lists counted now (a
	// replacing list starts one).
	Recipients int        `json:"recipients,omitempty"`
	ListAt     time.Time  `json:"listAt,omitzero"`
	Parts      []ListPart `json:"parts,omitempty"`
	ListGen    string     `json:"listGen,omitempty"`
	// Replaced counts the lists that lists not added replaced (0: the
	// lists counted now are all there were, as far as the campaign kept
	// count), so that the page says "earlier lists not added" only when
	// there were some.
	Replaced int `json:"replaced,omitempty"`
}

// ListPart is one recipient list counted in a campaign's Recipients.
type ListPart struct {
	Hash   string `json:"h"` // 64 bits of the SHA-256 of its addresses, hex
	Minted int    `json:"n"` // the addresses it gave a token
	// Distinct are its addresses no part before it had (Keyed: counted by
	// address; a part counted before addresses were kept counts Minted).
	Distinct int  `json:"d,omitempty"`
	Keyed    bool `json:"k,omitempty"`
}

// MaxParts bounds the lists a send counts (a campaign item stays small):
// 200 parts of 5,000 rows are a million recipients.
const MaxParts = 200

// DefaultScannerWindow is the scanner window of a campaign that sets none.
const DefaultScannerWindow = 10 * time.Second

// MaxScannerWindow bounds a campaign's scanner window (an hour).
const MaxScannerWindow = 3600

// ScannerDelay returns the campaign's window after the send in which a click
// is a scanner's.
func (c Campaign) ScannerDelay() time.Duration {
	if c.ScannerWindow > 0 {
		return time.Duration(c.ScannerWindow) * time.Second
	}
	return DefaultScannerWindow
}

// UTM defaults for a campaign's destinations.
type UTM struct {
	Source   string `json:"source,omitempty"`
	Medium   string `json:"medium,omitempty"`
	Campaign string `json:"campaign,omitempty"`
	Content  string `json:"content,omitempty"`
}

// typed is the campaign with what a person typed (its name, its UTM)
// kept on one line, without control characters and bidirectional
// overrides, isolates and marks (textcut.Controls): a name typed with
// U+202E showed in the campaigns' cells, the reports' groups and the
// timeline's chips as another text than it is.
func (c Campaign) typed() Campaign {
	one := func(s string) string { return textcut.Line(textcut.Controls(s)) }
	c.Name = one(c.Name)
	c.UTM = UTM{Source: one(c.UTM.Source), Medium: one(c.UTM.Medium), Campaign: one(c.UTM.Campaign), Content: one(c.UTM.Content)}
	return c
}

// MaxText bounds a campaign's name and each of its UTM values, in bytes:
// a name pasted with a page of text after it was kept whole, and shown in
// every cell, chip and report group that names the campaign.
const MaxText = 200

// checkTyped refuses a name or UTM value longer than MaxText.
func (c Campaign) checkTyped() error {
	if len(c.Name) > MaxText {
		return fmt.Errorf("%w: name: at most %d bytes", ErrInvalid, MaxText)
	}
	for _, v := range []string{c.UTM.Source, c.UTM.Medium, c.UTM.Campaign, c.UTM.Content} {
		if len(v) > MaxText {
			return fmt.Errorf("%w: utm: at most %d bytes each", ErrInvalid, MaxText)
		}
	}
	return nil
}

// Errors.
var (
	ErrNotFound = errors.New("links: not found")
	ErrInvalid  = errors.New("links: invalid")
	ErrExists   = errors.New("links: campaign exists")
	ErrBusy     = errors.New("links: campaign is being edited by others")
)

// Busy is the error of a campaign write that lost to other writers for
// all of editBudget: the admin API answers it 503 with Retry-After (its
// RetryAfter), as the edit can simply be sent again.
type Busy struct{ Campaign string }

func (b Busy) Error() string {
	return "campaign " + b.Campaign + " is being edited by others: retry in a moment"
}

// RetryAfter is how long the caller should wait before sending it again.
func (Busy) RetryAfter() time.Duration { return time.Second }

// Is makes errors.Is(err, ErrBusy) hold.
func (Busy) Is(target error) bool { return target == ErrBusy }

// Registry stores links and campaigns.
type Registry struct {
	T            table.Table
	AllowedHosts []string // destination hosts allowed (exact, or ".example.com" for subdomains); empty: any
	Now          func() time.Time
	// Sleep waits d or until ctx ends (default: a timer), between the
	// tries of a campaign write that lost a race; tests hand their own.
	Sleep func(ctx context.Context, d time.Duration) error
}

var campaignRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// ValidCampaign reports whether s is a campaign id: a lower-case slug.
func ValidCampaign(s string) bool { return campaignRE.MatchString(s) }

var linkIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{8,32}$`)

// ValidLinkID reports whether s can be a link id.
func ValidLinkID(s string) bool { return linkIDRE.MatchString(s) }

func newLinkID() string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (r *Registry) sleep(ctx context.Context, d time.Duration) error {
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	return clock.Sleep(ctx, d)
}

// A campaign write that lost a race waits before reading again: from
// editFirstWait doubled per try up to editMaxWait, jittered to between
// half and all of it (writers that collided do not collide again in step),
// for at most editBudget of waiting in all (well inside a request's
// time), then it is Busy. That is 20 tries or more: sixteen writers at
// once (a script registering a URL a request in parallel) all land, as a
// write fails only when another one landed between its read and its write.
const (
	editFirstWait = 5 * time.Millisecond
	editMaxWait   = 200 * time.Millisecond
	editBudget    = 4 * time.Second
)

// editWait is the jittered wait after the try'th lost race (from 0).
func editWait(try int) time.Duration {
	d := editMaxWait
	if try < 6 && editFirstWait<<try < editMaxWait {
		d = editFirstWait << try
	}
	return d/2 + mathrand.N(d/2+1)
}

func (r *Registry) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return clock.Now().UTC()
}

// CheckDestinations checks a request's destinations (1 to 200) before
// anything is written: a refused one leaves no campaign or link behind.
func (r *Registry) CheckDestinations(urls []string) ([]*url.URL, error) {
	if len(urls) == 0 || len(urls) > 200 {
		return nil, fmt.Errorf("%w: give 1 to 200 destination urls", ErrInvalid)
	}
	out := make([]*url.URL, 0, len(urls))
	for _, raw := range urls {
		u, err := r.CheckDestination(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// CheckDestination validates a destination URL: absolute http(s), no
// credentials, host allowed.
func (r *Registry) CheckDestination(raw string) (*url.URL, error) {
	if len(raw) > 4096 {
		return nil, fmt.Errorf("%w: destination longer than 4096 bytes", ErrInvalid)
	}
	raw = strings.TrimSpace(withoutFormatChars(raw))
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("%w: destination %q must be an absolute http or https URL", ErrInvalid, raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%w: destination %q must not carry credentials", ErrInvalid, raw)
	}
	// The host as DNS and every mail client read it: an internationalised
	// one in A-labels (例え.jp: xn--r8jz45g.jp), not percent-escaped as
	// url.URL writes one it was given in Unicode.
	host, err := asciiHost(u.Hostname())
	if err != nil {
		return nil, fmt.Errorf("%w: destination host %q is not a host name (%v)", ErrInvalid, u.Hostname(), err)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%w: destination port %q is not 1 to 65535", ErrInvalid, p)
		}
		host = net.JoinHostPort(host, p)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]" // an IPv6 address
	}
	u.Host = host
	if !r.AllowsHost(u.Hostname()) {
		return nil, fmt.Errorf("%w: destination host %q is not in the allowed link hosts", ErrInvalid, u.Hostname())
	}
	return u, nil
}

// withoutFormatChars is s without Unicode format characters (Cf): a
// zero-width space, word joiner, BOM, soft hyphen or direction mark pasted
// with a URL from a web page, Word, a chat or a CMS that breaks long URLs
// with them. Invisible on the campaign's page, they were kept in the
// stored destination, percent-escaped (/lp%E2%80%8B), and every click
// landed on the site's 404 page. A URL meant to hold one escapes it.
func withoutFormatChars(s string) string {
	if !strings.ContainsFunc(s, isFormat) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isFormat(r) {
			return -1
		}
		return r
	}, s)
}

func isFormat(r rune) bool { return r >= utf8.RuneSelf && unicode.Is(unicode.Cf, r) }

// asciiHost is a URL's host name in A-labels, lower case; an IP address
// or a host already in ASCII as it is (lower-cased): IDNA's lookup rules
// refuse names DNS serves (r3---sn-abc.googlevideo.com, my_host.example),
// and only a name with other characters needs them.
func asciiHost(h string) (string, error) {
	if _, err := netip.ParseAddr(h); err == nil {
		return h, nil
	}
	for i := range len(h) {
		if h[i] >= utf8.RuneSelf {
			return idna.Lookup.ToASCII(h)
		}
	}
	return strings.ToLower(h), nil
}

// AllowsHost reports whether tracked links may redirect to host
// (AllowedHosts; any, when it is empty), either written in Unicode or in
// A-labels.
func (r *Registry) AllowsHost(host string) bool {
	if len(r.AllowedHosts) == 0 {
		return true
	}
	if a, err := asciiHost(host); err == nil {
		host = a
	}
	host = strings.ToLower(host)
	for _, a := range r.AllowedHosts {
		lead := strings.HasPrefix(a, ".")
		if ascii, err := asciiHost(strings.TrimPrefix(a, ".")); err == nil && ascii != "" {
			a = ascii
			if lead {
				a = "." + a
			}
		}
		a = strings.ToLower(a)
		if host == a || strings.HasPrefix(a, ".") && (strings.HasSuffix(host, a) || host == a[1:]) {
			return true
		}
	}
	return false
}

// PutCampaign creates or updates a campaign (created: it was new). What
// c leaves zero keeps what the campaign had: its name, send time, UTM,
// scanner window, and its last list, written meanwhile by ListMinted.
func (r *Registry) PutCampaign(ctx context.Context, c Campaign) (_ Campaign, created bool, err error) {
	if !ValidCampaign(c.ID) {
		return Campaign{}, false, fmt.Errorf("%w: campaign %q: use 1-64 of a-z 0-9 _ -", ErrInvalid, c.ID)
	}
	if c.ScannerWindow < 0 || c.ScannerWindow > MaxScannerWindow {
		return Campaign{}, false, fmt.Errorf("%w: scannerWindow must be 0 to %d seconds", ErrInvalid, MaxScannerWindow)
	}
	c = c.typed()
	if err := c.checkTyped(); err != nil {
		return Campaign{}, false, err
	}
	return r.updateCampaign(ctx, c.ID, true, func(old *Campaign) Campaign {
		n := c
		if old == nil {
			n.CreatedAt = r.now()
			return n
		}
		n.CreatedAt = old.CreatedAt
		if n.SentAt.IsZero() {
			n.SentAt = old.SentAt
		}
		if n.UTM == (UTM{}) {
			n.UTM = old.UTM
		}
		if n.Name == "" {
			n.Name = old.Name
		}
		if n.ScannerWindow == 0 {
			n.ScannerWindow = old.ScannerWindow
		}
		if n.ListAt.IsZero() {
			n.Recipients, n.ListAt, n.Parts = old.Recipients, old.ListAt, old.Parts
		}
		n.ListGen = old.ListGen // ListMinted's alone: its recipient items are of it
		n.Replaced = old.Replaced
		return n
	})
}

// updateCampaign writes what change makes of the campaign as stored (nil:
// none, made only when create), on the condition that it is still as read,
// reading again when another writer came between: a list's upload and an
// edit of the campaign at the same time each kept the other's. Busy when
// it lost every race for editBudget.
func (r *Registry) updateCampaign(ctx context.Context, id string, create bool, change func(old *Campaign) Campaign) (Campaign, bool, error) {
	var waited time.Duration
	for try := 0; ; try++ {
		var old *Campaign
		var ver int64
		it, err := r.T.Get(ctx, "CAMP#"+id, "CAMP")
		switch {
		case errors.Is(err, table.ErrNotFound):
			if !create {
				return Campaign{}, false, ErrNotFound
			}
		case err != nil:
			return Campaign{}, false, err
		default:
			old, ver = new(Campaign), it.Version
			if err := json.Unmarshal(it.Data, old); err != nil {
				return Campaign{}, false, err
			}
		}
		c := change(old)
		err = r.T.Transact(ctx, campaignWrites(c, table.VersionIs(ver)))
		if !errors.Is(err, table.ErrConditionFailed) {
			return c, old == nil, err
		}
		d := editWait(try)
		if waited+d > editBudget {
			return Campaign{}, false, Busy{Campaign: id}
		}
		if err := r.sleep(ctx, d); err != nil {
			return Campaign{}, false, err
		}
		waited += d
	}
}

// CreateCampaign stores a new campaign, or answers ErrExists when its id
// is taken (the workspace's new-campaign form: a typed id that is an
// existing campaign's must not change that campaign's send time).
func (r *Registry) CreateCampaign(ctx context.Context, c Campaign) (Campaign, error) {
	if !ValidCampaign(c.ID) {
		return Campaign{}, fmt.Errorf("%w: campaign %q: use 1-64 of a-z 0-9 _ -", ErrInvalid, c.ID)
	}
	if c.ScannerWindow < 0 || c.ScannerWindow > MaxScannerWindow {
		return Campaign{}, fmt.Errorf("%w: scannerWindow must be 0 to %d seconds", ErrInvalid, MaxScannerWindow)
	}
	c = c.typed()
	if err := c.checkTyped(); err != nil {
		return Campaign{}, err
	}
	c.CreatedAt, c.Recipients, c.ListAt, c.Parts, c.ListGen, c.Replaced = r.now(), 0, time.Time{}, nil, "", 0
	err := r.T.Transact(ctx, campaignWrites(c, table.NotExists))
	if errors.Is(err, table.ErrConditionFailed) {
		return Campaign{}, fmt.Errorf("%w: %s", ErrExists, c.ID)
	}
	return c, err
}

// Campaign reads a campaign.
func (r *Registry) Campaign(ctx context.Context, id string) (Campaign, error) {
	var c Campaign
	if !ValidCampaign(id) {
		return c, ErrNotFound // a malformed id names none, and no key can hold some (NUL, too long)
	}
	return c, r.get(ctx, "CAMP#"+id, "CAMP", &c)
}

// maxNames bounds the campaigns Names reads by key: past it, ids stay ids.
const maxNames = 100

// Names reads the names of the campaigns with these ids (NamesOf).
func (r *Registry) Names(ctx context.Context, ids []string) (map[string]string, error) {
	return NamesOf(ctx, r.Campaign, r.Campaigns, ids)
}

// NamesOf reads the names of the campaigns with these ids, each by key
// (get), as the workspace and the SFA's text name them: a key no campaign
// has as its id may be a campaign's utm_campaign (a landing's touch names
// its campaign by the utm_campaign its tracked link added, which the
// campaign form may set apart from the id), looked for in the list (list,
// read once; nil: not looked for), and named when one campaign alone has
// it. Others (another tool's utm_campaign, a report's "(none)" group) have
// none. At most maxNames are read by key: past it, ids stay ids.
func NamesOf(ctx context.Context, get func(context.Context, string) (Campaign, error), list func(context.Context) ([]Campaign, error), ids []string) (map[string]string, error) {
	names := map[string]string{}
	want := map[string]bool{}
	unknown := 0
	for _, id := range ids {
		if id == "" || want[id] || len(want) >= maxNames {
			continue
		}
		want[id] = true
		c, err := get(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound):
			if !strings.HasPrefix(id, "(") { // (none), (all): a report's groups, no campaign's
				unknown++
			}
		case err != nil:
			return nil, err
		case c.Name != "":
			names[id] = c.Name
		}
	}
	if unknown == 0 || list == nil {
		return names, nil
	}
	all, err := list(ctx)
	if err != nil {
		return nil, err
	}
	byUTM := map[string]string{}
	for _, c := range all {
		if u := c.UTM.Campaign; u != "" && u != c.ID && want[u] {
			if _, twice := byUTM[u]; twice {
				byUTM[u] = "" // two campaigns share it: neither name is the key's
			} else {
				byUTM[u] = c.Name
			}
		}
	}
	for u, n := range byUTM {
		if _, byID := names[u]; !byID && n != "" {
			names[u] = n
		}
	}
	return names, nil
}

// The campaigns' list: a copy of each in one partition.
const (
	listPK    = "CAMPS"
	listed    = "CAMP#"
	indexedSK = "~indexed"
	listingSK = "~listing"
)

// campaignWrites stores a campaign under cond, and its copy in the list.
func campaignWrites(c Campaign, cond table.Cond) []table.Write {
	data, _ := json.Marshal(c)
	return []table.Write{
		table.Put(table.Item{PK: "CAMP#" + c.ID, SK: "CAMP", Kind: "campaign", Data: data}, cond),
		table.Put(table.Item{PK: listPK, SK: listed + c.ID, Kind: "campaignlist", Data: data}, table.Always),
	}
}

// Campaigns lists every campaign, newest first: one query of the list.
// Campaigns stored before the list was kept are in it once the sweep has
// copied them (ListComplete).
func (r *Registry) Campaigns(ctx context.Context) ([]Campaign, error) {
	items, err := r.T.Query(ctx, table.Query{PK: listPK, Prefix: listed})
	if err != nil {
		return nil, err
	}
	out := make([]Campaign, 0, len(items))
	for _, it := range items {
		var c Campaign
		if err := json.Unmarshal(it.Data, &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// ListComplete reports whether the list holds every campaign: those
// stored before it was kept have been copied into it (ListOld).
func (r *Registry) ListComplete(ctx context.Context) (bool, error) {
	_, err := r.T.Get(ctx, listPK, indexedSK)
	if errors.Is(err, table.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// ListOld copies into the list the campaigns stored before it was kept,
// once per store, and returns how many it copied. The sweep runs it, never
// a request: it scans (on DynamoDB the whole table), a page at a time,
// keeping where it is so that a run that ends (ctx: the sweep's budget)
// goes on from there next run. A copy is written only where none is, so a
// campaign changed meanwhile keeps its own, and a page copied again after
// a crash changes nothing.
func (r *Registry) ListOld(ctx context.Context) (int, error) {
	if done, err := r.ListComplete(ctx); done || err != nil {
		return 0, err
	}
	var cursor string
	if it, err := r.T.Get(ctx, listPK, listingSK); err == nil {
		cursor = string(it.Data)
	} else if !errors.Is(err, table.ErrNotFound) {
		return 0, err
	}
	n := 0
	for ctx.Err() == nil {
		items, next, err := r.T.ScanPage(ctx, "CAMP#", cursor)
		if err != nil {
			if ctx.Err() != nil {
				return n, nil // out of time: the next run goes on
			}
			return n, err
		}
		var ws []table.Write
		for _, it := range items {
			if it.SK == "CAMP" {
				ws = append(ws, table.Put(table.Item{PK: listPK, SK: listed + strings.TrimPrefix(it.PK, "CAMP#"), Kind: "campaignlist", Data: it.Data}, table.NotExists))
			}
		}
		for i := 0; i < len(ws); i += 100 {
			for _, err := range r.T.PutMany(ctx, ws[i:min(i+100, len(ws))]) {
				switch {
				case err == nil:
					n++
				case ctx.Err() != nil:
					return n, nil // out of time: the next run copies this page again
				case !errors.Is(err, table.ErrConditionFailed): // failed: the campaign's own copy is there
					return n, err
				}
			}
		}
		if next == "" {
			if err := r.T.Put(ctx, table.Item{PK: listPK, SK: indexedSK, Kind: "campaignlist"}, table.Always); err != nil {
				return n, err
			}
			return n, r.T.Delete(ctx, listPK, listingSK, table.Always)
		}
		if err := r.T.Put(ctx, table.Item{PK: listPK, SK: listingSK, Kind: "campaignlist", Data: []byte(next)}, table.Always); err != nil {
			if ctx.Err() != nil {
				return n, nil // out of time: the next run goes on from the last cursor kept
			}
			return n, err
		}
		cursor = next
	}
	return n, nil
}

// Add registers destinations for a campaign (created when absent) and
// returns one link per destination, in order.
func (r *Registry) Add(ctx context.Context, campaign string, urls []string, honeypot bool) ([]Link, error) {
	if !ValidCampaign(campaign) {
		return nil, fmt.Errorf("%w: campaign %q: use 1-64 of a-z 0-9 _ -", ErrInvalid, campaign)
	}
	dests, err := r.CheckDestinations(urls)
	if err != nil {
		return nil, err
	}
	if _, err := r.Campaign(ctx, campaign); errors.Is(err, ErrNotFound) {
		if _, _, err := r.PutCampaign(ctx, Campaign{ID: campaign}); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	out := make([]Link, 0, len(dests))
	for _, u := range dests {
		out = append(out, Link{ID: newLinkID(), Campaign: campaign, URL: u.String(), Honeypot: honeypot, CreatedAt: r.now()})
	}
	for _, l := range out {
		data, _ := json.Marshal(l)
		if err := r.T.Transact(ctx, []table.Write{
			table.Put(table.Item{PK: "LINK#" + l.ID, SK: "LINK", Kind: "link", Data: data}, table.NotExists),
			table.Put(table.Item{PK: "CAMP#" + campaign, SK: "L#" + l.ID, Kind: "camplink", Data: data}, table.NotExists),
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Get reads a link.
func (r *Registry) Get(ctx context.Context, id string) (Link, error) {
	var l Link
	if !ValidLinkID(id) {
		return l, ErrNotFound
	}
	return l, r.get(ctx, "LINK#"+id, "LINK", &l)
}

// Links lists a campaign's links.
func (r *Registry) Links(ctx context.Context, campaign string) ([]Link, error) {
	items, err := r.T.Query(ctx, table.Query{PK: "CAMP#" + campaign, Prefix: "L#"})
	if err != nil {
		return nil, err
	}
	out := make([]Link, 0, len(items))
	for _, it := range items {
		var l Link
		if err := json.Unmarshal(it.Data, &l); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

func (r *Registry) get(ctx context.Context, pk, sk string, v any) error {
	it, err := r.T.Get(ctx, pk, sk)
	if errors.Is(err, table.ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(it.Data, v)
}

// queryEscape percent-encodes the bytes of a raw query that a URL cannot
// hold (spaces, controls, non-ASCII, "<>\^`{|}), keeping the rest, %
// escapes included, as it is.
func queryEscape(q string) string {
	const hex = "0123456789ABCDEF"
	var b []byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		bad := c <= ' ' || c >= 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0
		if bad && b == nil {
			b = append(make([]byte, 0, len(q)+16), q[:i]...)
		}
		switch {
		case bad:
			b = append(b, '%', hex[c>>4], hex[c&15])
		case b != nil:
			b = append(b, c)
		}
	}
	if b == nil {
		return q
	}
	return string(b)
}

// Destination returns where a click on l goes: the stored URL, with the
// campaign's UTM parameters added where the URL has none of its own. The
// URL's own query is kept byte for byte, its order and spelling included
// (a signed download link, a parameter without a value, %20 for a space):
// the UTM parameters are appended to it. Only what no URL may hold is
// escaped in it: a space or a character past ASCII (a destination typed
// with ?q=hello world or ?k=日本 went out as such in the Location header).
//
// A utm_* parameter the URL holds empty (utm_source= or utm_source alone)
// is no value of its own: the campaign's is written in its place, not
// appended as a second utm_source, as a reader taking the first value
// (Baton's own landing, URLSearchParams.get) would still find it empty.
// A name counts only as written, lower-case: UTM_SOURCE=x is no utm_source
// to Baton (event.ParseUTM) nor to GA4, whose campaign parameters are the
// lower-case names it documents, so the campaign's utm_source is still
// added beside it and the reports get the campaign's source.
func Destination(l Link, c Campaign) string {
	u, err := url.Parse(l.URL)
	if err != nil {
		return l.URL
	}
	if q := queryEscape(u.RawQuery); q != u.RawQuery {
		u.RawQuery = q
		l.URL = u.String()
	}
	pieces := strings.Split(u.RawQuery, "&")
	// The first piece naming each utm_* key, as GA4 and Baton read
	// (url.Values.Get), and whether it is empty.
	first := map[string]int{}
	empty := map[string]bool{}
	for i, piece := range pieces {
		if piece == "" || strings.Contains(piece, ";") { // as url.ParseQuery: no pair
			continue
		}
		rawKey, rawValue, _ := strings.Cut(piece, "=")
		key, err1 := url.QueryUnescape(rawKey)
		value, err2 := url.QueryUnescape(rawValue)
		if err1 != nil || err2 != nil || !strings.HasPrefix(key, "utm_") {
			continue
		}
		if _, seen := first[key]; !seen {
			first[key], empty[key] = i, value == ""
		}
	}
	add := url.Values{}
	filled := false
	for _, p := range [][2]string{{"utm_source", c.UTM.Source}, {"utm_medium", c.UTM.Medium}, {"utm_campaign", c.UTM.Campaign}, {"utm_content", c.UTM.Content}} {
		i, named := first[p[0]]
		if p[1] == "" || named && !empty[p[0]] {
			continue
		}
		if named {
			rawKey, _, _ := strings.Cut(pieces[i], "=")
			pieces[i] = rawKey + "=" + url.QueryEscape(p[1])
			filled = true
			continue
		}
		add.Set(p[0], p[1])
	}
	if !filled && len(add) == 0 {
		return l.URL
	}
	if filled {
		u.RawQuery = strings.Join(pieces, "&")
	}
	if len(add) > 0 {
		if u.RawQuery != "" && !strings.HasSuffix(u.RawQuery, "&") {
			u.RawQuery += "&"
		}
		u.RawQuery += add.Encode()
	}
	u.ForceQuery = false
	return u.String()
}
