package admin

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
)

// readerText is what a reader of a page sees of it: its text and its
// titles (on hover), never its URLs, form values or attributes.
func readerText(page string) string {
	var b strings.Builder
	for _, m := range regexp.MustCompile(`\stitle="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		b.WriteString(html.UnescapeString(m[1]) + "\n")
	}
	body := page[max(strings.Index(page, "<body"), 0):]
	b.WriteString(html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, " ")))
	return b.String()
}

// machineName is a connector's machine name as text, as a reader would
// read it ("hubspot: retrying"). kintone's brand is its machine name.
var machineName = regexp.MustCompile(`\b(?:salesforce|hubspot|webhook|inbox)\b`)

// TestEnglishMQLListNamesConnectors: the English MQL list names each
// connector as people do (HubSpot, Salesforce, kintone, Webhook receiver,
// Inbox) in its hand-off chips, their failures' titles, the send button,
// the notice of a send and the dead letters; the send form's URL keeps the
// machine name, which the route matches. It named them in lower case.
func TestEnglishMQLListNamesConnectors(t *testing.T) {
	const id = "p_1-c1"
	v := mqlsView{
		Rows: []mqlRow{{M: qualify.MQL{ID: id, Person: "p_1"}, Deliveries: []push.Delivery{
			{Connector: "hubspot", Status: push.StatusRetrying, LastError: "hubspot: 429 RATE_LIMIT:DAILY: You have reached your daily limit."},
			{Connector: "salesforce", Status: push.StatusNotSent},
			{Connector: "kintone", Status: push.StatusDelivered},
			{Connector: "webhook", Status: push.StatusDead, LastError: "webhook: gave up after 12 attempts: webhook: 503: busy"},
			{Connector: "inbox", Status: push.StatusDelivered},
		}}},
		Dead:    []deadRow{{M: queue.Message{ID: id, LastError: "tell hubspot to forget a person erased during delivery: hubspot: 503: down", State: "dead"}, Connectors: []string{"hubspot", "webhook"}}},
		Sent:    id,
		SendTo:  "salesforce",
		CanSend: true,
	}
	var b strings.Builder
	if err := pages["mqls"].ExecuteTemplate(&b, "layout", page{L: "en", Loc: time.UTC, Data: v}); err != nil {
		t.Fatal(err)
	}
	got, text := b.String(), readerText(b.String())
	for _, want := range []string{
		"HubSpot: retrying", `title="HubSpot: 429 RATE_LIMIT:DAILY: You have reached your daily limit."`,
		"Salesforce: not sent: connected after this MQL", ">Send to Salesforce</button>",
		"kintone: delivered", "Webhook receiver: dead", `title="Webhook receiver: gave up after 12 attempts: Webhook receiver: 503: busy"`,
		"Inbox: delivered",
		"MQL " + id + " queued for Salesforce: the push worker sends it now.",
		`<span class="chip dead nw">HubSpot</span> <span class="chip dead nw">Webhook receiver</span>`,
		"tell HubSpot to forget a person erased during delivery: HubSpot: 503: down",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the English MQL list lacks %q:\n%s", want, got)
		}
	}
	if m := machineName.FindAllString(text, -1); len(m) > 0 {
		t.Errorf("the English MQL list names connectors by their machine names %q to its reader:\n%s", m, text)
	}
	// What a machine reads keeps the machine name: the route's {connector}.
	if !strings.Contains(got, `action="mqls/`+id+`/deliveries/salesforce/send"`) {
		t.Errorf("the send form's URL lost the machine name:\n%s", got)
	}
}

// TestDeliveryNamesConnectorsInMessages: Baton's own messages that name a
// connector (waiting for the MQL's delivery, not configured now, told to
// forget) name it for people in either language; an unknown connector is
// named as it is. The Japanese said "hubspot：".
func TestDeliveryNamesConnectorsInMessages(t *testing.T) {
	for en, want := range map[string][2]string{
		"hubspot: waiting for the MQL's delivery": {"HubSpot: waiting for the MQL's delivery", "HubSpot：MQL の配信を待っています（MQL が届いてから、その後のフォーム送信を伝えます）"},
		"webhook: not configured now: the MQL sent to it on purpose was not delivered; replay it once it is": {
			"Webhook receiver: not configured now: the MQL sent to it on purpose was not delivered; replay it once it is",
			"Webhook の送信先：現在は設定されていないため、指定して送信した MQL を配信していません。設定し直してから再送してください"},
		"tell salesforce to forget a person erased during delivery: salesforce: 503: down": {
			"tell Salesforce to forget a person erased during delivery: Salesforce: 503: down",
			"配信中に削除された人を忘れるよう Salesforce に伝えられません：Salesforce 側でエラーが発生しました（503）：down"},
		"pipedrive: 500: oops": {"pipedrive: 500: oops", "pipedrive 側でエラーが発生しました（500）：oops"},
	} {
		for i, l := range []string{"en", "ja"} {
			if got := (page{L: l}).Delivery(en); got != want[i] {
				t.Errorf("%q on a %s page:\n\t%s\nwant\t%s", en, l, got, want[i])
			}
		}
	}
	for c, want := range map[string][2]string{"hubspot": {"HubSpot", "HubSpot"}, "webhook": {"Webhook receiver", "Webhook"}, "inbox": {"Inbox", "受信箱"}, "kintone": {"kintone", "kintone"}, "pipedrive": {"pipedrive", "pipedrive"}} {
		for i, l := range []string{"en", "ja"} {
			if got := (page{L: l}).Connector(c); got != want[i] {
				t.Errorf("%s on a %s page: %q, want %q", c, l, got, want[i])
			}
		}
	}
}
