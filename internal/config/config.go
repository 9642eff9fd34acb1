// Package config reads Baton's configuration: environment variables for what
// differs per deployment and secrets, an optional YAML file (BATON_CONFIG) for
// the rest. A bad setting stops start-up with an error naming it.
package config

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/width"
	"gopkg.in/yaml.v3"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/duration"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/internaltraffic"
)

// Config is the whole configuration.
type Config struct {
	PublicURL      string        // BATON_PUBLIC_URL: how browsers and emails reach Baton (tracked links); deployed and unset: empty, the request's own address (httpx.BaseURL)
	BasePath       string        // BATON_BASE_PATH: the path prefix every route is served under (e.g. /_bt); empty: the root
	Addr           string        // BATON_ADDR: listen address of the local stack
	DataDir        string        // BATON_DATA: where the embedded store keeps its file
	AdminToken     string        // BATON_ADMIN_TOKEN: bearer token for /admin
	WriteKey       string        // BATON_WRITE_KEY: HTTP Basic user of the Segment-compatible API
	SiteOrigins    []string      // BATON_SITE_ORIGINS: browser origins allowed to send events
	CookieDomain   string        // BATON_COOKIE_DOMAIN: Domain of the bt_vid cookie (registrable domain)
	TrustProxy     httpx.Proxies // BATON_TRUST_PROXY: proxies trusted to report the client in X-Forwarded-For
	Store          string        // BATON_STORE: bolt (default) or dynamodb
	Table          string        // BATON_TABLE: DynamoDB table name
	DynamoEndpoint string        // BATON_DYNAMODB_ENDPOINT: a DynamoDB-API endpoint (local testing)
	RulesFile      string        // BATON_RULES: the scoring and MQL rules file (relative: to LAMBDA_TASK_ROOT when set)
	WebhookURL     string        // BATON_WEBHOOK_URL: deliver MQLs to this URL (Standard Webhooks signed)
	WebhookSecret  string        // BATON_WEBHOOK_SECRET: whsec_... signing secret
	Secrets        Secrets
	LinkKeys       string   // BATON_LINK_KEYS: signing keys of newsletter recipient tokens
	GeoIPCity      string   // BATON_GEOIP_CITY_DB: a GeoIP2/GeoLite2 City mmdb
	GeoIPASN       string   // BATON_GEOIP_ASN_DB: a GeoLite2 ASN mmdb
	File           File     // BATON_CONFIG: the YAML file (relative: to LAMBDA_TASK_ROOT when set)
	Generated      []string // settings that were generated because unset (printed at local start)

	// BATON_REQUIRE_ORIGIN: the origin secret (BATON_ORIGIN_SECRET) every
	// request but GET /healthz must bring (httpx.RequireOrigin); not set:
	// none required.
	RequireOrigin httpx.OriginSecret
}

// Secrets are the connectors' and feedback sources' credentials, only ever
// from getenv: on AWS that reads them from the Secrets Manager secret
// BATON_SECRETS_ARN names (internal/secrets), never the environment itself.
type Secrets struct {
	SalesforceClientSecret string // BATON_SALESFORCE_CLIENT_SECRET
	SalesforcePrivateKey   string // BATON_SALESFORCE_PRIVATE_KEY (PEM, JWT bearer flow)
	HubSpotToken           string // BATON_HUBSPOT_TOKEN (private app)
	KintoneAPIToken        string // BATON_KINTONE_API_TOKEN
	FeedbackSecret         string // BATON_FEEDBACK_SECRET: Salesforce Flow callouts and generic webhooks (whsec_...)
	HubSpotClientSecret    string // BATON_HUBSPOT_CLIENT_SECRET: verifies HubSpot webhook signatures
	KintoneWebhookToken    string // BATON_KINTONE_WEBHOOK_TOKEN: the token in kintone's webhook URL
	// BATON_SALESFORCE_OUTBOUND_TOKEN: the token in the endpoint URL of
	// Salesforce Outbound Messages (/feedback/salesforce/outbound?token=)
	SalesforceOutboundToken string
}

// File is the YAML configuration file.
// AttributionFile is how visits are read as touches.
type AttributionFile struct {
	// UnwantedReferrals are hosts (each with its subdomains) a visitor
	// comes back from without a new touch, beside the built-in sign-in and
	// payment pages and the sites of BATON_SITE_ORIGINS: the company's own
	// SSO or payment provider (GA4's "unwanted referrals").
	UnwantedReferrals []string `yaml:"unwanted_referrals"`
}

// Referrals are the hosts whose referrals are no touch (qualify.Referrals):
// the sites of BATON_SITE_ORIGINS and attribution.unwanted_referrals.
func (c *Config) Referrals() []string {
	out := c.SiteHosts()
	for _, h := range c.File.Attribution.UnwantedReferrals {
		out = append(out, referralHost(h))
	}
	return out
}

// HandsOff reports whether a connector hands MQLs to sales (an SFA of
// sfa, or the webhook): sales' SLA then runs from a lead's delivery.
// Without one sales take MQLs in the workspace's inbox, as raised.
func (c *Config) HandsOff() bool {
	return c.File.SFA.Salesforce != nil || c.File.SFA.HubSpot != nil || c.File.SFA.Kintone != nil || c.WebhookURL != ""
}

// Connectors names the connectors MQLs are delivered to, as the push
// worker names them (internal/crm's Name, in the order app/delivery sets
// them up): "inbox", the built-in inbox, without any SFA.
func (c *Config) Connectors() []string {
	var out []string
	if c.File.SFA.Salesforce != nil {
		out = append(out, "salesforce")
	}
	if c.File.SFA.HubSpot != nil {
		out = append(out, "hubspot")
	}
	if c.File.SFA.Kintone != nil {
		out = append(out, "kintone")
	}
	if c.WebhookURL != "" {
		out = append(out, "webhook")
	}
	if len(out) == 0 {
		out = append(out, "inbox")
	}
	return out
}

// SiteHosts are the hosts of BATON_SITE_ORIGINS and of BATON_PUBLIC_URL,
// lower case: the team's own sites (the workspace and the SFA's text link
// to their pages, and to no other site's). Baton's own address is the
// team's: a site proxying /_bt/ to it, or the local stack serving the demo
// site, whose pages were marked "other site, unverified" in the SFA.
func (c *Config) SiteHosts() []string {
	var out []string
	for _, o := range append(slices.Clip(c.SiteOrigins), c.PublicURL) {
		if u, err := url.Parse(o); err == nil && u.Hostname() != "" && !slices.Contains(out, strings.ToLower(u.Hostname())) {
			out = append(out, strings.ToLower(u.Hostname()))
		}
	}
	return out
}

// referralHost is an attribution.unwanted_referrals entry as a referrer's
// host is compared with it: lower case, without the dots of link_hosts'
// ".example.com" or a fully qualified "example.com." (its subdomains are
// included anyway), which would match no referrer.
func referralHost(h string) string {
	return strings.Trim(strings.ToLower(strings.TrimSpace(h)), ".")
}

type File struct {
	EventRetention   Duration          `yaml:"event_retention"`          // raw events kept this long (default 400d)
	CookieMaxAge     Duration          `yaml:"cookie_max_age"`           // bt_vid lifetime (default 400d, Chrome's cap)
	SecureCookie     *bool             `yaml:"secure_cookie"`            // force Secure on or off (default: when the request is https, httpx.IsHTTPS)
	TimelineLimit    int               `yaml:"timeline_limit"`           // events returned by the admin API (default 500)
	Sites            []string          `yaml:"sites"`                    // accepted data-site values; empty: any
	Consent          ConsentFile       `yaml:"consent"`                  // consent mode and Global Privacy Control
	InternalTraffic  InternalFile      `yaml:"internal_traffic"`         // the company's own networks and staff emails: not stored
	SFA              SFAFile           `yaml:"sfa"`                      // where MQLs go (secrets come from the environment)
	Feedback         FeedbackFile      `yaml:"feedback"`                 // sales outcomes coming back
	SLA              SLAFile           `yaml:"sla"`                      // how fast sales must accept an MQL
	Timezone         string            `yaml:"timezone"`                 // IANA zone of days (daily caps, report periods) and times shown (default UTC)
	Calendar         CalendarFile      `yaml:"calendar"`                 // sales' working days, hours and holidays
	Attribution      AttributionFile   `yaml:"attribution"`              // how visits are read as marketing touches
	KPITargets       map[string]int    `yaml:"kpi_targets"`              // monthly targets: funnel stage -> people entering it a month
	LinkHosts        []string          `yaml:"link_hosts"`               // hosts tracked links may redirect to (".example.com": subdomains too); empty: any
	ScrubParams      []string          `yaml:"scrub_params"`             // more URL parameters and form fields never stored (besides password/token/csrf/session/card-like names and any holding an email)
	FormFields       map[string]string `yaml:"form_fields"`              // a site's own form field names -> attributes (e.g. text-123: company), before the built-in names
	AdminTokens      []AdminToken      `yaml:"admin_tokens"`             // more admin tokens, stored as SHA-256 hashes, with scopes
	AuditRetention   Duration          `yaml:"audit_retention"`          // admin audit entries kept this long (default 400d)
	MaxInFlight      int               `yaml:"max_in_flight"`            // local stack: requests served at once before 503 (default 512)
	MaxPerClient     int               `yaml:"max_in_flight_per_client"` // local stack: requests one client address may have in flight before 429 (default 16; -1 disables)
	RateLimitPerIP   float64           `yaml:"rate_limit_per_ip"`        // local stack: requests per second per client address, an IPv6 one by its /64 (default 100; -1 disables)
	RateLimitBurst   float64           `yaml:"rate_limit_burst"`         // local stack: burst per client address (default 2x the rate)
	RateLimitPerSite float64           `yaml:"rate_limit_per_site"`      // local stack: requests per second per browser Origin (default 1000; -1 disables)
}

// InternalFile is the company's own traffic (internaltraffic.Filter):
// pages and tracked links used from its networks, and events naming its
// staff's emails, are answered as usual and not stored.
type InternalFile struct {
	IPs          []string `yaml:"ips"`           // office networks and VPN exits: CIDRs or addresses
	EmailDomains []string `yaml:"email_domains"` // staff email domains (subdomains too)
}

// Internal is the internal-traffic filter (validated at start-up).
func (f File) Internal() (internaltraffic.Filter, error) {
	return internaltraffic.Parse(f.InternalTraffic.IPs, f.InternalTraffic.EmailDomains)
}

// ConsentFile is the consent section of the configuration file.
type ConsentFile struct {
	Required      bool     `yaml:"required"`       // every site needs consent granted by the page
	RequiredSites []string `yaml:"required_sites"` // these sites need it
	IgnoreGPC     bool     `yaml:"ignore_gpc"`     // do not honour Sec-GPC: 1 (default: honour)
	// The category of Segment's consent object (context.consent.categoryPreferences)
	// that means analytics, case-insensitive (default Analytics).
	AnalyticsCategory string `yaml:"analytics_category"`
}

// SFAFile configures the connectors; their secrets are environment
// variables: BATON_SALESFORCE_CLIENT_SECRET or BATON_SALESFORCE_PRIVATE_KEY,
// BATON_HUBSPOT_TOKEN, BATON_KINTONE_API_TOKEN.
type SFAFile struct {
	Erase      bool   `yaml:"erase"`    // pass erasure requests on: delete the Lead / contact / record too
	Language   string `yaml:"language"` // the language of the summary sales read in the SFA: en (default) or ja
	Salesforce *struct {
		LoginURL            string                       `yaml:"login_url"`
		TokenURL            string                       `yaml:"token_url"`    // OAuth token host (default login_url): the org's My Domain for client credentials
		JWTAudience         string                       `yaml:"jwt_audience"` // aud of the JWT bearer assertion (default https://login.salesforce.com; test.salesforce.com for sandboxes)
		ClientID            string                       `yaml:"client_id"`
		Username            string                       `yaml:"username"` // JWT bearer flow
		APIVersion          string                       `yaml:"api_version"`
		LeadKey             string                       `yaml:"lead_key"`              // external-id field on Lead (person id)
		TaskKey             string                       `yaml:"task_key"`              // external-id field on Task (MQL id)
		AccountKey          string                       `yaml:"account_key"`           // external-id field on Account (Baton's account id): MQAs go there ("": none)
		Fields              map[string]string            `yaml:"fields"`                // attribute -> Lead field, replacing the default one ("": none)
		MatchByEmail        *bool                        `yaml:"match_by_email"`        // find an existing Contact or Lead by email before creating (default true)
		DuplicateRuleHeader string                       `yaml:"duplicate_rule_header"` // Sforce-Duplicate-Rule-Header on writes, e.g. allowSave=true
		Picklists           map[string]map[string]string `yaml:"picklists"`             // Lead field -> value -> the org's picklist value
		LeadStatus          *string                      `yaml:"lead_status"`           // Lead Status a lead qualifying again is set back to (default the org's default Lead Status; "": left as sales set it)
		Rating              *bool                        `yaml:"rating"`                // a Lead Baton creates gets Rating by grade (A Hot, B Warm, else Cold) (default true); an existing Lead's is never written
	} `yaml:"salesforce"`
	HubSpot *struct {
		BaseURL        string            `yaml:"base_url"`
		Fields         map[string]string `yaml:"fields"`
		SetLifecycle   *bool             `yaml:"set_lifecycle"`   // move lifecyclestage forward to marketingqualifiedlead (default true)
		LifecycleOrder []string          `yaml:"lifecycle_order"` // the account's stages, earliest first (custom stage ids included)
		TimeZone       string            `yaml:"time_zone"`       // the account's time zone: the DAILY limit resets at its midnight (default UTC)
		LeadStatus     *string           `yaml:"lead_status"`     // hs_lead_status a contact qualifying again is set back to (default NEW; "": left as sales set it)
	} `yaml:"hubspot"`
	Kintone *struct {
		BaseURL    string            `yaml:"base_url"`
		App        int               `yaml:"app"`
		EmailField string            `yaml:"email_field"`
		Fields     map[string]string `yaml:"fields"`
		// The MQA app: one record per MQA, keyed by account_key_field.
		AccountApp      int               `yaml:"account_app"`
		AccountKeyField string            `yaml:"account_key_field"`
		AccountFields   map[string]string `yaml:"account_fields"`
		// The value feedback.kintone_status_field is set back to when a
		// lead qualifies again (default the field's default value; "":
		// left as sales set it).
		LeadStatus *string `yaml:"lead_status"`
		// Each MQL's summary as a comment on the lead's record, addressed
		// to comment_mentions (at most 10; users are notified).
		Comment         bool `yaml:"comment"`
		CommentMentions []struct {
			Code string `yaml:"code"`
			Type string `yaml:"type"`
		} `yaml:"comment_mentions"`
	} `yaml:"kintone"`
}

// urlToken is a token a URL carries as written (RFC 3986's unreserved
// characters).
var urlToken = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// salesforceOrgID is a Salesforce organization id, 15 or 18 characters.
// (15 characters are case-sensitive, so a 15-character id begins 00D
// exactly; an 18-character one may be written in any case.)
var salesforceOrgID = regexp.MustCompile(`^(00D[0-9A-Za-z]{12}|00[Dd][0-9A-Za-z]{15})$`)

// FeedbackFile maps SFA statuses to outcomes (accepted, rejected, sql,
// opportunity, won, lost). Secrets: BATON_FEEDBACK_SECRET (Salesforce Flow
// and generic webhooks), BATON_HUBSPOT_CLIENT_SECRET, BATON_KINTONE_WEBHOOK_TOKEN,
// BATON_SALESFORCE_OUTBOUND_TOKEN (Salesforce Outbound Messages).
type FeedbackFile struct {
	Salesforce   map[string]string `yaml:"salesforce_status"` // Lead Status -> outcome
	HubSpot      map[string]string `yaml:"hubspot"`           // lifecyclestage / hs_lead_status value -> outcome
	Kintone      map[string]string `yaml:"kintone_status"`    // process status -> outcome
	KintoneField string            `yaml:"kintone_status_field"`
	KintoneWhy   string            `yaml:"kintone_reason_field"` // field code of sales' reason (見送り理由 ...)
	KintoneOwner string            `yaml:"kintone_owner_field"`  // field code of the rep (default: the record's 更新者)
	// Field codes of the deal on the kintone record (defaults: amount,
	// currency, close_date): NUMBER, text or drop-down, DATE.
	KintoneAmount    string `yaml:"kintone_amount_field"`
	KintoneCurrency  string `yaml:"kintone_currency_field"`
	KintoneCloseDate string `yaml:"kintone_close_date_field"`
	// The org Salesforce Outbound Messages must come from (their
	// OrganizationId): 15 or 18 characters, 00D...
	SalesforceOrgID string `yaml:"salesforce_org_id"`
}

// SLAFile sets the service level sales agreed to.
type SLAFile struct {
	AcceptWithin SLAWithin `yaml:"accept_within"` // default 24h
	WebhookURL   string    `yaml:"webhook_url"`   // breaches announced here (signed with BATON_WEBHOOK_SECRET)
	BusinessTime bool      `yaml:"business_time"` // count only the calendar's working time
}

// SLAWithin is sla.accept_within: a duration ("8h", "1.5d"), or working
// days ("2bd", "2営業日"), each as long as the calendar's working hours,
// which count only with business_time.
type SLAWithin struct {
	D           time.Duration
	WorkingDays float64
	DaysUnit    string // bd or 営業日, as written: messages say it back
	InDays      bool   // written in days: with business_time, 1d is 24 working hours
}

// UnmarshalYAML reads "8h", "1d", "2bd" or "2営業日".
func (w *SLAWithin) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseSLAWithin(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*w = v
	return nil
}

// ParseSLAWithin reads accept_within's value.
func ParseSLAWithin(s string) (SLAWithin, error) {
	s = strings.TrimSpace(width.Narrow.String(s)) // ２営業日 as 2営業日
	for _, unit := range []string{"bd", "営業日"} {
		if num, ok := strings.CutSuffix(s, unit); ok {
			n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
			if err != nil || math.IsNaN(n) || n < 0.01 || n > 3650 {
				return SLAWithin{}, fmt.Errorf("bad number of working days %q: want e.g. 2bd or 2営業日 (0.01 to 3650)", s)
			}
			return SLAWithin{WorkingDays: n, DaysUnit: unit}, nil
		}
	}
	d, err := ParseDuration(s)
	if err != nil {
		return SLAWithin{}, fmt.Errorf("%v: want e.g. 8h, 2d, or working days 2bd (2営業日) with business_time", err)
	}
	if d <= 0 {
		return SLAWithin{}, fmt.Errorf("bad duration %q: the SLA must be longer than 0", s)
	}
	return SLAWithin{D: d, InDays: strings.HasSuffix(s, "d")}, nil
}

// AcceptWithin is the SLA as working time on cal (wall-clock time when
// the calendar is not business time): working days are the calendar's
// working hours long.
func (f File) AcceptWithin(cal calendar.Calendar) time.Duration {
	w := f.SLA.AcceptWithin
	if w.WorkingDays > 0 {
		// Rounded: 2.3 × 8h in floating point is 18h23m59.999999999s.
		return time.Duration(math.Round(w.WorkingDays * float64(cal.End-cal.Start)))
	}
	return w.D
}

// Warnings are settings that are valid but likely not what was meant,
// logged at start-up.
func (f File) Warnings() []string {
	var out []string
	if f.SLA.BusinessTime && f.SLA.AcceptWithin.InDays {
		d := f.SLA.AcceptWithin.D
		days := strconv.FormatFloat(d.Hours()/24, 'f', -1, 64)
		unit := "working days"
		if days == "1" {
			unit = "working day"
		}
		out = append(out, fmt.Sprintf("sla.accept_within: %sd with business_time is %s working hours (a day is 24 hours); for %s %s of the calendar's hours write %sbd",
			days, strconv.FormatFloat(d.Hours(), 'f', -1, 64), days, unit, days))
	}
	if in, err := f.Internal(); err == nil {
		for _, p := range in.Wide() {
			out = append(out, fmt.Sprintf("internal_traffic.ips: %s is wider than any office network: nothing from it is collected", p))
		}
	}
	return out
}

// CalendarFile is sales' working calendar (the SLA's business time).
type CalendarFile struct {
	WorkingDays []string `yaml:"working_days"` // default mon..fri
	Hours       string   `yaml:"hours"`        // default 09:00-18:00
	Holidays    []string `yaml:"holidays"`     // "japan", "us", "england" (computed public holidays), dates (2026-12-29), days every year (12-29), ranges (12-29..01-03)
}

// AdminToken is an admin credential: the hex SHA-256 of the token (never
// the token itself) and its scopes (read, write, erase, backup).
type AdminToken struct {
	Name   string   `yaml:"name"`
	SHA256 string   `yaml:"sha256"`
	Scopes []string `yaml:"scopes"`
}

// Duration is a time.Duration that also accepts days ("400d").
type Duration time.Duration

// UnmarshalYAML parses "90d", "36h", "15m".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// ParseDuration reads a setting's duration: Go's units and days ("400d").
func ParseDuration(s string) (time.Duration, error) {
	d, err := duration.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q", strings.TrimSpace(s))
	}
	return d, nil
}

// Error names the setting that is wrong.
type Error struct {
	Setting string
	Problem string
}

func (e *Error) Error() string { return fmt.Sprintf("config: %s: %s", e.Setting, e.Problem) }

// DefaultRules is the rules file the local stack uses when BATON_RULES is
// unset (relative to the repository root, where `make dev` runs).
const DefaultRules = "infra/rules.yaml"

// Mode says what a missing secret does.
type Mode int

const (
	// Local generates missing tokens (and reports them in Generated).
	Local Mode = iota
	// Deployed refuses to start without them.
	Deployed
)

// FromEnv reads the configuration from getenv (os.Getenv in production).
func FromEnv(getenv func(string) string, mode Mode) (*Config, error) {
	c := &Config{
		Addr:           or(getenv("BATON_ADDR"), "127.0.0.1:8080"),
		DataDir:        or(getenv("BATON_DATA"), ".baton"),
		AdminToken:     getenv("BATON_ADMIN_TOKEN"),
		WriteKey:       getenv("BATON_WRITE_KEY"),
		CookieDomain:   strings.TrimPrefix(strings.TrimSpace(getenv("BATON_COOKIE_DOMAIN")), "."),
		Store:          or(getenv("BATON_STORE"), "bolt"),
		Table:          getenv("BATON_TABLE"),
		DynamoEndpoint: getenv("BATON_DYNAMODB_ENDPOINT"),
		RulesFile:      taskPath(getenv, getenv("BATON_RULES")),
		LinkKeys:       getenv("BATON_LINK_KEYS"),
		WebhookURL:     getenv("BATON_WEBHOOK_URL"),
		Secrets: Secrets{
			SalesforceClientSecret:  getenv("BATON_SALESFORCE_CLIENT_SECRET"),
			SalesforcePrivateKey:    getenv("BATON_SALESFORCE_PRIVATE_KEY"),
			HubSpotToken:            getenv("BATON_HUBSPOT_TOKEN"),
			KintoneAPIToken:         getenv("BATON_KINTONE_API_TOKEN"),
			FeedbackSecret:          getenv("BATON_FEEDBACK_SECRET"),
			HubSpotClientSecret:     getenv("BATON_HUBSPOT_CLIENT_SECRET"),
			KintoneWebhookToken:     getenv("BATON_KINTONE_WEBHOOK_TOKEN"),
			SalesforceOutboundToken: getenv("BATON_SALESFORCE_OUTBOUND_TOKEN"),
		},
		WebhookSecret: getenv("BATON_WEBHOOK_SECRET"),
		GeoIPCity:     getenv("BATON_GEOIP_CITY_DB"),
		GeoIPASN:      getenv("BATON_GEOIP_ASN_DB"),
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return nil, &Error{"BATON_ADDR", "want host:port, e.g. 127.0.0.1:8080"}
	}
	c.PublicURL = strings.TrimSuffix(strings.TrimSpace(getenv("BATON_PUBLIC_URL")), "/")
	if c.PublicURL == "" && mode == Local {
		c.PublicURL = "http://" + c.Addr
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || !hostSpellable(u.Hostname()) {
			return nil, &Error{"BATON_PUBLIC_URL", fmt.Sprintf("%q is not a base URL like https://track.example.com", c.PublicURL)}
		}
	}
	base, err := basePath(getenv("BATON_BASE_PATH"))
	if err != nil {
		return nil, &Error{"BATON_BASE_PATH", err.Error()}
	}
	c.BasePath = base
	if c.BasePath != "" && c.PublicURL != "" {
		if u, _ := url.Parse(c.PublicURL); u.Path != "" {
			return nil, &Error{"BATON_PUBLIC_URL", fmt.Sprintf("%q has a path: with BATON_BASE_PATH give only the scheme and host (e.g. https://www.example.com); the base path %s is added to it", c.PublicURL, c.BasePath)}
		}
	}
	proxies, err := httpx.ParseProxies(getenv("BATON_TRUST_PROXY"))
	if err != nil {
		return nil, &Error{"BATON_TRUST_PROXY", err.Error() + " (e.g. 1 behind one proxy, or 10.0.0.0/8)"}
	}
	if err := originSecret(getenv("BATON_ORIGIN_SECRET"), getenv("BATON_ORIGIN_SECRET_PREVIOUS"), &proxies, mode); err != nil {
		return nil, err
	}
	c.TrustProxy = proxies
	if c.RequireOrigin, err = requireOrigin(getenv("BATON_REQUIRE_ORIGIN"), getenv("BATON_ORIGIN_SECRET"), getenv("BATON_ORIGIN_SECRET_PREVIOUS")); err != nil {
		return nil, err
	}
	for _, o := range strings.Split(getenv("BATON_SITE_ORIGINS"), ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return nil, &Error{"BATON_SITE_ORIGINS", fmt.Sprintf("%q is not an origin like https://www.example.com", o)}
		}
		c.SiteOrigins = append(c.SiteOrigins, u.Scheme+"://"+strings.ToLower(u.Host))
	}
	if c.CookieDomain != "" && (strings.ContainsAny(c.CookieDomain, " /:;,") || !strings.Contains(c.CookieDomain, ".") && c.CookieDomain != "localhost") {
		return nil, &Error{"BATON_COOKIE_DOMAIN", fmt.Sprintf("%q is not a domain like example.com", c.CookieDomain)}
	}
	switch c.Store {
	case "bolt":
	case "dynamodb":
		if c.Table == "" {
			return nil, &Error{"BATON_TABLE", "required when BATON_STORE=dynamodb"}
		}
	default:
		return nil, &Error{"BATON_STORE", fmt.Sprintf("%q: want bolt or dynamodb", c.Store)}
	}
	for _, s := range []struct {
		name string
		v    *string
	}{{"BATON_ADMIN_TOKEN", &c.AdminToken}, {"BATON_WRITE_KEY", &c.WriteKey}} {
		switch {
		case *s.v == "" && mode == Local:
			*s.v = randomToken()
			c.Generated = append(c.Generated, s.name)
		case *s.v == "" && s.name == "BATON_ADMIN_TOKEN":
			return nil, &Error{s.name, "required"}
		case *s.v != "" && len(*s.v) < 16:
			return nil, &Error{s.name, "too short: use at least 16 random characters"}
		}
	}
	// The Outbound Messages' token is their one secret (the OrganizationId
	// they carry is none: Web-to-Lead forms hold it) and travels in a URL's
	// query, where a + reads as a space: a base64 token would be refused
	// on every message.
	if t := c.Secrets.SalesforceOutboundToken; t != "" && (len(t) < 16 || !urlToken.MatchString(t)) {
		return nil, &Error{"BATON_SALESFORCE_OUTBOUND_TOKEN", "use at least 16 random characters of A-Z a-z 0-9 - . _ ~ (it is written in a URL), e.g. openssl rand -hex 32"}
	}
	// The feedback sources' secrets let whoever knows them write sales'
	// verdicts and deals: a short one can be guessed (the kintone token
	// travels in the URL's path, the Flow's secret as a header compared as
	// it is).
	if t := c.Secrets.KintoneWebhookToken; t != "" && (len(t) < 16 || !urlToken.MatchString(t)) {
		return nil, &Error{"BATON_KINTONE_WEBHOOK_TOKEN", "use at least 16 random characters of A-Z a-z 0-9 - . _ ~ (it is written in a URL), e.g. openssl rand -hex 32"}
	}
	if t := c.Secrets.FeedbackSecret; t != "" && len(t) < 16 {
		return nil, &Error{"BATON_FEEDBACK_SECRET", "too short: use at least 16 random characters (e.g. openssl rand -hex 32, or a whsec_ key)"}
	}
	if path := taskPath(getenv, getenv("BATON_CONFIG")); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, &Error{"BATON_CONFIG", err.Error()}
		}
		if err := ParseFile(data, &c.File); err != nil {
			return nil, &Error{"BATON_CONFIG", fmt.Sprintf("%s: %v", path, err)}
		}
		if _, err := c.File.Cal(); err != nil {
			return nil, &Error{"BATON_CONFIG", fmt.Sprintf("%s: %v", path, err)}
		}
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !hostSpellable(u.Hostname()) {
			return nil, &Error{"BATON_WEBHOOK_URL", "want an http(s) URL"}
		}
	}
	if c.RulesFile == "" && mode == Local {
		c.RulesFile = findRules()
	}
	if v := getenv("BATON_EVENT_RETENTION"); v != "" {
		d, err := ParseDuration(v)
		if err != nil || d < time.Hour {
			return nil, &Error{"BATON_EVENT_RETENTION", fmt.Sprintf("%q: want a duration of at least 1h, e.g. 400d", v)}
		}
		c.File.EventRetention = Duration(d)
	}
	c.File.defaults()
	return c, nil
}

// ParseFile decodes the YAML configuration file strictly: an unknown key is
// an error, since a misspelt setting would otherwise do nothing.
func ParseFile(data []byte, f *File) error {
	if !utf8.Valid(data) && !bytes.HasPrefix(data, []byte{0xfe, 0xff}) && !bytes.HasPrefix(data, []byte{0xff, 0xfe}) {
		for i, l := range bytes.Split(data, []byte("\n")) {
			if !utf8.Valid(l) {
				return fmt.Errorf("line %d: not UTF-8 text (saved as Shift_JIS?): save the file as UTF-8", i+1)
			}
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	// One document: the settings of a second after --- would be silently
	// ignored (an empty one, a stray --- at the end, is nothing to ignore).
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if c := next.Content; len(c) == 0 || len(c) == 1 && c[0].Kind == yaml.ScalarNode && c[0].Tag == "!!null" && c[0].Value == "" {
			continue
		}
		return fmt.Errorf("line %d: a second document (after ---): the configuration is one document", next.Line)
	}
	for i, h := range f.Attribution.UnwantedReferrals {
		// A host, as a referrer's is compared: a URL or a path would
		// match no referrer, and the referrals it meant stay touches.
		h = referralHost(h)
		if h == "" || strings.ContainsAny(h, "/:@?# *") || !strings.Contains(h, ".") {
			return fmt.Errorf("attribution.unwanted_referrals[%d]: %q is not a host name like login.example.com (no scheme or path; its subdomains are included)", i, h)
		}
	}
	if f.TimelineLimit < 0 {
		return fmt.Errorf("timeline_limit: must not be negative")
	}
	if _, err := f.Internal(); err != nil {
		return err
	}
	if w := f.SLA.AcceptWithin; w.WorkingDays > 0 && !f.SLA.BusinessTime {
		return fmt.Errorf("sla.accept_within: %s%s counts working days, which need sla.business_time: true (or write a duration, e.g. %sh)",
			strconv.FormatFloat(w.WorkingDays, 'f', -1, 64), w.DaysUnit, strconv.FormatFloat(w.WorkingDays*24, 'f', -1, 64))
	}
	if id := f.Feedback.SalesforceOrgID; id != "" && !salesforceOrgID.MatchString(id) {
		return fmt.Errorf("feedback.salesforce_org_id: %q is not an organization id: 15 or 18 letters and digits beginning 00D (Setup, Company Information, Salesforce.com Organization ID)", id)
	}
	if l := f.SFA.Language; l != "" && l != "en" && l != "ja" {
		return fmt.Errorf("sfa.language: %q is not en or ja", l)
	}
	if f.AuditRetention < 0 || f.AuditRetention > 0 && time.Duration(f.AuditRetention) < 24*time.Hour {
		return fmt.Errorf("audit_retention: want at least a day, e.g. 400d")
	}
	for stage, n := range f.KPITargets {
		if !slices.Contains(KPIStages, stage) {
			return fmt.Errorf("kpi_targets: %q is not a funnel stage (%s)", stage, strings.Join(KPIStages, ", "))
		}
		if n < 0 {
			return fmt.Errorf("kpi_targets.%s: must not be negative", stage)
		}
	}
	return nil
}

// KPIStages are the funnel stages a monthly target may name.
var KPIStages = []string{"lead", "mql", "sal", "sql", "opportunity", "customer"}

func (f *File) defaults() {
	if f.EventRetention == 0 {
		f.EventRetention = Duration(400 * 24 * time.Hour)
	}
	if f.AuditRetention == 0 {
		f.AuditRetention = Duration(400 * 24 * time.Hour)
	}
	if f.CookieMaxAge == 0 {
		f.CookieMaxAge = Duration(400 * 24 * time.Hour)
	}
	if f.TimelineLimit == 0 {
		f.TimelineLimit = 500
	}
	if f.SLA.AcceptWithin == (SLAWithin{}) {
		f.SLA.AcceptWithin = SLAWithin{D: 24 * time.Hour}
	}
	if f.MaxInFlight == 0 {
		f.MaxInFlight = 512
	}
	if f.MaxPerClient == 0 {
		f.MaxPerClient = 16
	}
	if f.RateLimitPerIP == 0 {
		f.RateLimitPerIP = 100
	}
	if f.RateLimitPerSite == 0 {
		f.RateLimitPerSite = 1000
	}
	if f.RateLimitBurst == 0 {
		f.RateLimitBurst = 2 * f.RateLimitPerIP
	}
}

// TaskRoot is the variable Lambda sets to the directory the function's
// package is unpacked in (/var/task): relative BATON_CONFIG and BATON_RULES
// paths resolve against it, so the files `make build` packages beside each
// bootstrap are found whatever the working directory.
const TaskRoot = "LAMBDA_TASK_ROOT"

// taskPath resolves a relative file path against LAMBDA_TASK_ROOT when that
// is set; otherwise (the local stack) it stays relative to the working
// directory.
func taskPath(getenv func(string) string, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	if root := getenv(TaskRoot); root != "" {
		return filepath.Join(root, path)
	}
	return path
}

// basePathRE is a base path: one or more segments of unreserved URL
// characters, none starting with a dot (no "." or ".."), no trailing slash.
var basePathRE = regexp.MustCompile(`^(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$`)

// basePath validates BATON_BASE_PATH: "" or "/" (the root, returned as "")
// or a prefix like /_bt or /tools/baton.
func basePath(v string) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "" || v == "/":
		return "", nil
	case !strings.HasPrefix(v, "/"):
		return "", fmt.Errorf("%q must start with /, e.g. /_bt", v)
	case strings.HasSuffix(v, "/"):
		return "", fmt.Errorf("%q must not end with / (write /_bt, not /_bt/)", v)
	case !basePathRE.MatchString(v):
		return "", fmt.Errorf("%q: want path segments of letters, digits and - _ . ~ (not starting with a dot), e.g. /_bt", v)
	}
	return v, nil
}

func or(v, def string) string {
	if v = strings.TrimSpace(v); v != "" {
		return v
	}
	return def
}

func randomToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// findRules looks for the shipped rules file where `make dev` and a built
// binary would have it: the working directory, beside the executable, then
// the repository above the working directory. "" when none is found.
func findRules() string {
	var dirs []string
	if wd, err := os.Getwd(); err == nil {
		dirs = append(dirs, wd)
	}
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Dir(exe))
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dirs = append(dirs, d)
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, d := range dirs {
		for _, p := range []string{filepath.Join(d, DefaultRules), filepath.Join(d, "rules.yaml")} {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	return ""
}

// Japanese reports whether the team is Japanese, as the file says it:
// its timezone is Tokyo's (Asia/Tokyo, or its alias Japan), its calendar
// has Japan's public holidays, or the summary sales read is in Japanese
// (sfa.language: ja). An imported list's numbers are then read as
// Japanese ones: the leading zero Excel dropped from a phone number or a
// postal code is given back (identity.RestoreZeros).
func (f File) Japanese() bool {
	switch strings.TrimSpace(f.Timezone) {
	case "Asia/Tokyo", "Japan":
		return true
	}
	for _, h := range f.Calendar.Holidays {
		if strings.EqualFold(strings.TrimSpace(h), "japan") {
			return true
		}
	}
	return f.SFA.Language == "ja"
}

// Cal builds the working calendar from the file (validated at start-up).
func (f File) Cal() (calendar.Calendar, error) {
	c := calendar.Calendar{Business: f.SLA.BusinessTime, Extra: map[string]bool{}, Yearly: map[string]bool{}}
	if f.Timezone != "" {
		loc, err := time.LoadLocation(f.Timezone)
		if err != nil {
			return c, fmt.Errorf("timezone: %q is not an IANA time zone (e.g. Asia/Tokyo)", f.Timezone)
		}
		c.Loc = loc
	}
	days := f.Calendar.WorkingDays
	if len(days) == 0 {
		days = []string{"mon", "tue", "wed", "thu", "fri"}
	}
	var err error
	if c.Days, err = calendar.ParseDays(days); err != nil {
		return c, fmt.Errorf("calendar.working_days: %v", err)
	}
	hours := f.Calendar.Hours
	if hours == "" {
		hours = "09:00-18:00"
	}
	if c.Start, c.End, err = calendar.ParseHours(hours); err != nil {
		return c, fmt.Errorf("calendar.hours: %v", err)
	}
	holidays := f.Calendar.Holidays
	if holidays == nil && f.Japanese() {
		// A Japanese team that lists no holidays has Japan's: the SLA clock
		// ran through 元日 and ゴールデンウィーク, and sales were told they
		// breached it on a day off. `holidays: []` keeps none.
		holidays = []string{"japan"}
	}
	for _, h := range holidays {
		switch h = strings.TrimSpace(h); {
		case calendar.Computed[strings.ToLower(h)] != nil:
			c.Public = append(c.Public, strings.ToLower(h))
		default:
			dates, yearly, err := calendar.ParseHoliday(h)
			if err != nil {
				return c, fmt.Errorf("calendar.holidays: %v: write japan, us or england (computed public holidays), a date (2026-12-29), a day every year (12-29) or a range of them (12-29..01-03)", err)
			}
			for _, d := range dates {
				c.Extra[d] = true
			}
			for _, d := range yearly {
				c.Yearly[d] = true
			}
		}
	}
	return c, nil
}

// originSecret sets p's origin secret (BATON_ORIGIN_SECRET): the value the
// outermost trusted proxy, a CDN, sends in httpx.OriginHeader. Deployed,
// two proxies or more are API Gateway behind CloudFront, and API Gateway's
// own address is open to anyone: without the secret a client calling it
// directly would name its own address in X-Forwarded-For, so the setting
// is required there. Without any trusted proxy it has nothing to gate and
// is ignored (a stack that dropped its CloudFront keeps its secret).
// previous (BATON_ORIGIN_SECRET_PREVIOUS) is the value being replaced,
// accepted too while CloudFront's edges still send it.
func originSecret(v, previous string, p *httpx.Proxies, mode Mode) error {
	const name, prevName = "BATON_ORIGIN_SECRET", "BATON_ORIGIN_SECRET_PREVIOUS"
	switch {
	case v == "" && mode == Deployed && p.Hops >= 2:
		return &Error{name, fmt.Sprintf("required with BATON_TRUST_PROXY=%d on AWS: put a random value (e.g. openssl rand -hex 32) in the secret; CloudFront sends it in %s, and a client calling the API directly could otherwise name its own address in X-Forwarded-For", p.Hops, httpx.OriginHeader)}
	case v == "" && previous != "":
		return &Error{prevName, "set without " + name + ": the previous value is accepted only beside the one that replaces it"}
	case v == "" || p.Hops == 0 && len(p.CIDRs) == 0:
		return nil
	case p.Hops == 0:
		return &Error{name, "needs BATON_TRUST_PROXY as a number of proxies, not addresses (with addresses the peer itself is checked)"}
	}
	if err := checkOriginSecret(v, previous); err != nil {
		return err
	}
	p.Origin = httpx.NewOriginSecret(v, previous)
	return nil
}

// checkOriginSecret checks the form of BATON_ORIGIN_SECRET (set) and
// BATON_ORIGIN_SECRET_PREVIOUS.
func checkOriginSecret(v, previous string) error {
	const name, prevName = "BATON_ORIGIN_SECRET", "BATON_ORIGIN_SECRET_PREVIOUS"
	for _, s := range []struct{ name, v string }{{name, v}, {prevName, previous}} {
		if s.v == "" {
			continue
		}
		if len(s.v) < 16 || len(s.v) > 256 || strings.IndexFunc(s.v, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
			return &Error{s.name, fmt.Sprintf("want 16 to 256 printable ASCII characters without spaces, e.g. openssl rand -hex 32 (it is sent in the %s header)", httpx.OriginHeader)}
		}
	}
	if previous == v {
		return &Error{prevName, "is " + name + " itself: put the value being replaced, or remove it"}
	}
	return nil
}

// requireOrigin reads BATON_REQUIRE_ORIGIN: true makes every request but
// GET /healthz bring the origin secret, which only the CDN in front sends,
// so that nobody reaches the API past the CDN (and its WAF rate rule) at
// API Gateway's own address, which stays open as the CDN's origin. It
// needs BATON_ORIGIN_SECRET, checked here even without a trusted proxy
// (originSecret then ignores it for the client's address).
func requireOrigin(v, secret, previous string) (httpx.OriginSecret, error) {
	const name = "BATON_REQUIRE_ORIGIN"
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "false":
		return httpx.OriginSecret{}, nil
	case "true":
	default:
		return httpx.OriginSecret{}, &Error{name, fmt.Sprintf("%q: want true or false", v)}
	}
	if secret == "" {
		return httpx.OriginSecret{}, &Error{name, fmt.Sprintf("true needs BATON_ORIGIN_SECRET, the value the CDN in front (CloudFront) sends in %s and every request must then bring: put a random value (e.g. openssl rand -hex 32) in the secret, or set %s=false", httpx.OriginHeader, name)}
	}
	if err := checkOriginSecret(secret, previous); err != nil {
		return httpx.OriginSecret{}, err
	}
	return httpx.NewOriginSecret(secret, previous), nil
}

// hostSpellable reports whether an internationalised host has a punycode
// spelling (url.Parse takes "例　え.jp", which no resolver or browser does);
// ASCII hosts are left to url.Parse as before.
func hostSpellable(host string) bool {
	for i := 0; i < len(host); i++ {
		if host[i] >= utf8.RuneSelf {
			_, err := idna.Lookup.ToASCII(host)
			return err == nil
		}
	}
	return true
}
