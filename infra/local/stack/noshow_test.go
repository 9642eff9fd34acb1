package stack_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/offline"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// attendanceTasks are the fake org's Tasks of the MQL's attendance changes.
func attendanceTasks(f *crmfake.Salesforce, mql string) map[string]map[string]any {
	f.Lock()
	defer f.Unlock()
	out := map[string]map[string]any{}
	for k, v := range f.Tasks {
		if strings.HasPrefix(k, mql+"-a") {
			out[k] = v
		}
	}
	return out
}

// TestNoShowReachesSales: a 部長 registers for a webinar; the registrants'
// list is imported and the registration (a rules file giving webinars 50
// points) makes them an MQL, delivered to Salesforce and a webhook, whose
// lead says why: the webinar. The attendance report then says they did
// not come: the touch is marked absent and the person rescored, the MQL
// stays, and each SFA gets one follow-up on the record the MQL went on,
// naming the webinar missed and the score now (sales called them about a
// webinar they missed: nothing told them). The same report again tells
// nothing more; a corrected one saying they came tells once more
// (attended), and it again nothing.
func TestNoShowReachesSales(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	clk := clock.NewManual(time.Date(2026, 11, 20, 10, 0, 0, 0, tokyo))
	const secret = "whsec_c2VjcmV0LWZvci1ub3Nob3ctdGVzdC0x"
	hook, srv := newHookRecorder(t, secret)
	f := crmfake.NewSalesforce()
	t.Cleanup(f.Close)
	f.Now = clk.Now
	rules, err := os.ReadFile(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const booth = "  - name: exhibition-booth"
	if !strings.Contains(string(rules), booth) {
		t.Fatal("the example rules' exhibition rule moved: update this test")
	}
	rulesFile := filepath.Join(t.TempDir(), "rules.yaml")
	os.WriteFile(rulesFile, []byte(strings.Replace(string(rules), booth, "  - name: webinar\n    type: offline\n    channel: webinar\n    points: 50\n"+booth, 1)), 0o600)
	p := writeConfig(t, "timezone: Asia/Tokyo\nsfa:\n  language: ja\n  salesforce:\n    login_url: "+f.URL+"\n    client_id: "+f.ClientID+"\n    lead_key: Baton_Person_Id__c\n    task_key: Baton_MQL_Id__c\n")
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_RULES": rulesFile, "BATON_SALESFORCE_CLIENT_SECRET": f.ClientSecret,
		"BATON_WEBHOOK_URL": srv.URL, "BATON_WEBHOOK_SECRET": secret}, clk.Now)

	const email, other = "noshow@maker.example", "came@maker.example"
	// The registrants' list (attended ""), then the report: the no-show's
	// row says attended (and minutes), the other registrant came for 45
	// minutes every time (their touch's minutes set: no change to tell).
	list := func(attended, minutes string) string {
		head := "氏名,会社名,役職,employees,メールアドレス,イベント名,日付,チャネル"
		rows := []string{"欠席 太郎,メーカー株式会社,購買部長,500," + email + ",製造業DXウェビナー,2026/11/19,ウェビナー",
			"出席 花子,メーカー株式会社,開発部長,500," + other + ",製造業DXウェビナー,2026/11/19,ウェビナー"}
		if attended != "" {
			head += ",出席しましたか,セッション時間（分）"
			rows[0] += "," + attended + "," + minutes
			rows[1] += ",はい,45"
		}
		return head + "\r\n" + strings.Join(rows, "\r\n") + "\r\n"
	}
	type result struct{ Imported, Repeated, Updated, Withdrawn, NotAttended int }
	imp := func(csv string) result {
		t.Helper()
		code, _, b := postCSV(t, s, "/admin/touches", csv)
		var r result
		if code != 200 || json.Unmarshal(b, &r) != nil {
			t.Fatalf("import: %d %s", code, b)
		}
		settle(t, s)
		drain(t, s)
		return r
	}
	if r := imp(list("", "")); r.Imported != 2 {
		t.Fatalf("registrants: %+v", r)
	}
	person, err := s.App.People.ByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	mql := person.ID + "-c1"
	came, err := s.App.People.ByEmail(t.Context(), other)
	if err != nil {
		t.Fatal(err)
	}
	deliver(t, s, func() bool { return mqlDelivered(t, s, mql) && mqlDelivered(t, s, came.ID+"-c1") })
	f.Lock()
	task := f.Tasks[mql]
	f.Unlock()
	if d, _ := task["Description"].(string); !strings.Contains(d, "製造業DXウェビナー") {
		t.Fatalf("the MQL's Task does not name the webinar it rests on: %v", task)
	}
	if n := hook.count("mql.activity"); n != 0 {
		t.Fatalf("%d activities before the report", n)
	}

	clk.Advance(24 * time.Hour)
	if r := imp(list("いいえ", "")); r.Withdrawn != 1 || r.NotAttended != 1 || r.Updated != 1 {
		t.Fatalf("report: %+v", r)
	}
	deliver(t, s, func() bool { return hook.count("mql.activity") == 1 && len(attendanceTasks(f, mql)) == 1 })
	if ms, _ := s.App.Qualifier.MQLs(t.Context(), person.ID); len(ms) != 1 {
		t.Fatalf("%d MQLs: the no-show's MQL stays", len(ms))
	}
	rec, _ := s.App.Qualifier.Record(t.Context(), person.ID)
	if rec.Verdict.Behaviour != 0 {
		t.Fatalf("behaviour %v after the no-show, want 0", rec.Verdict.Behaviour)
	}
	type activity struct {
		ActivityID, MQLID, PersonID, Type, Title, Attendance, Channel, Subject, Summary string
		Score                                                                           *struct{ Behaviour, Fit float64 }
	}
	nth := func(i int) activity {
		hook.mu.Lock()
		defer hook.mu.Unlock()
		var a activity
		json.Unmarshal(hook.got["mql.activity"][i], &a)
		return a
	}
	a := nth(0)
	if a.MQLID != mql || a.PersonID != person.ID || a.Type != "offline" || a.Title != "製造業DXウェビナー" || a.Attendance != "absent" || a.Channel != "webinar" ||
		a.Score == nil || a.Score.Behaviour != 0 || a.Score.Fit != rec.Verdict.Fit {
		t.Errorf("webhook activity: %+v", a)
	}
	if !strings.Contains(a.Subject, "欠席") || !strings.Contains(a.Subject, "製造業DXウェビナー") ||
		!strings.Contains(a.Summary, "2026-11-19 ウェビナー 製造業DXウェビナー（欠席）") || !strings.Contains(a.Summary, "行動スコア 0、") {
		t.Errorf("webhook subject %q, summary:\n%s", a.Subject, a.Summary)
	}
	lead := f.Lead(person.ID)
	for k, task := range attendanceTasks(f, mql) {
		if k != a.ActivityID || task["WhoId"] != lead["Id"] || !strings.Contains(task["Subject"].(string), "欠席") ||
			!strings.Contains(task["Description"].(string), "製造業DXウェビナー（欠席）") {
			t.Errorf("Task %s %v on Lead %v, webhook's id %s", k, task, lead["Id"], a.ActivityID)
		}
	}

	// The touch's change handed to scoring again (a retried stream
	// batch): told already.
	var cs []table.Change
	s.App.Table.Scan(t.Context(), "", func(it table.Item) error {
		if it.Kind == eventlog.KindEvent && it.PK == eventlog.VisitorPK(offline.Visitor(person.ID)) {
			cs = append(cs, table.Change{Op: table.OpModify, Item: it})
		}
		return nil
	})
	if len(cs) != 1 {
		t.Fatalf("%d stored touches of the no-show", len(cs))
	}
	if n, err := s.App.Changes(s.App.RelayToQueue)(t.Context(), cs); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	drain(t, s)
	if n, m := hook.count("mql.activity"), len(attendanceTasks(f, mql)); n != 1 || m != 1 {
		t.Fatalf("after the change came again: %d webhook activities, %d Tasks; want 1 each", n, m)
	}

	// The same report again: nothing changes, nobody is told twice.
	clk.Advance(time.Hour)
	if r := imp(list("いいえ", "")); r.Withdrawn != 0 || r.Updated != 0 {
		t.Fatalf("report again: %+v", r)
	}
	if n, m := hook.count("mql.activity"), len(attendanceTasks(f, mql)); n != 1 || m != 1 {
		t.Fatalf("after the same report again: %d webhook activities, %d Tasks; want 1 each", n, m)
	}

	// Corrected: they did attend, 30 minutes. Told once, as attended.
	clk.Advance(time.Hour)
	if r := imp(list("はい", "30")); r.Updated != 1 {
		t.Fatalf("corrected report: %+v", r)
	}
	deliver(t, s, func() bool { return hook.count("mql.activity") == 2 && len(attendanceTasks(f, mql)) == 2 })
	if b := nth(1); b.Attendance != "attended" || b.ActivityID == a.ActivityID || !strings.Contains(b.Subject, "出席（訂正）") || b.Score == nil || b.Score.Behaviour <= 0 {
		t.Errorf("the correction's activity: %+v", b)
	}
	imp(list("はい", "30"))
	if n, m := hook.count("mql.activity"), len(attendanceTasks(f, mql)); n != 2 || m != 2 {
		t.Errorf("after the corrected report again: %d webhook activities, %d Tasks; want 2 each", n, m)
	}

	// Reports in quick succession while Salesforce is down: no-show,
	// attended, no-show, each its own stream batch, their changes held
	// (retrying) there until it is back. Salesforce was told attended:
	// it is told absent once, not once per no-show; the webhook, up all
	// along, only changes, once each. Each connector's last told state
	// is its own.
	f.FailWrites(1000, crmfake.Fault{Status: 503, Body: `[{"message":"maintenance","errorCode":"SERVER_UNAVAILABLE"}]`})
	clk.Advance(time.Hour)
	for _, r := range []string{"いいえ", "はい", "いいえ"} {
		// In the same second: Salesforce's retries are due only after
		// the last report (the first no-show's change, retried while
		// the touch said attended, would be dropped as stale).
		imp(list(r, map[string]string{"はい": "30"}[r]))
	}
	// The local stack's own worker may still be handling the last change
	// (the webhook told, its record not yet written): the clock jumped
	// past its claim, the test's drain would take the change again.
	// Wait until each change's deliveries are recorded, none claimed.
	deliver(t, s, func() bool { return hook.count("mql.activity") == 5 }) // one per report
	for i := 2; i < 5; i++ {
		id := nth(i).ActivityID
		for tries := 0; ; tries++ {
			ds, err := s.App.Pusher.Status(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			busy := len(ds) != 2
			for _, d := range ds {
				busy = busy || d.Claimed.After(clk.Now()) || (d.Connector == "webhook" && d.Status != "delivered")
			}
			if !busy {
				break
			}
			if tries == 200 {
				t.Fatalf("change %s still being handled: %+v", id, ds)
			}
			time.Sleep(25 * time.Millisecond)
		}
	}
	f.Heal()
	for range 6 {
		clk.Advance(20 * time.Minute) // past every backoff
		drain(t, s)
	}
	states := func(subjects []string) []string {
		var out []string
		for _, s := range subjects {
			out = append(out, map[bool]string{true: "absent", false: "attended"}[strings.Contains(s, "欠席")])
		}
		return out
	}
	tasks := attendanceTasks(f, mql)
	var subjects []string
	for n := 1; n <= 10; n++ {
		for k, task := range tasks {
			if strings.HasSuffix(k, fmt.Sprintf("-%d", n)) {
				subjects = append(subjects, task["Subject"].(string))
			}
		}
	}
	if got := fmt.Sprint(states(subjects)); got != "[absent attended absent]" || len(tasks) != 3 {
		t.Errorf("Salesforce's Tasks after no-show, attended, no-show while it was down: %s (%d), want [absent attended absent]", got, len(tasks))
	}
	var told []string
	for i := range hook.count("mql.activity") {
		told = append(told, nth(i).Attendance)
	}
	if len(told) < 3 || told[len(told)-1] != "absent" {
		t.Errorf("the webhook was told %v, want the no-show last", told)
	}
	for i := 1; i < len(told); i++ {
		if told[i] == told[i-1] {
			t.Errorf("the webhook was told %v: %s twice in a row", told, told[i])
		}
	}
	hook.mu.Lock()
	defer hook.mu.Unlock()
	for id, n := range hook.ids {
		if n != 1 {
			t.Errorf("webhook-id %s posted %d times", id, n)
		}
	}
}

// TestNoShowReachesHubSpotAndKintone: the no-show is a note on the HubSpot
// contact the MQL went on and a comment on its kintone record, once each
// though the same report is imported twice; the correction one more each.
func TestNoShowReachesHubSpotAndKintone(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	clk := clock.NewManual(time.Date(2026, 11, 20, 10, 0, 0, 0, tokyo))
	hs := crmfake.NewHubSpot()
	t.Cleanup(hs.Close)
	hs.Now = clk.Now
	kt := crmfake.NewKintone()
	t.Cleanup(kt.Close)
	rules, err := os.ReadFile(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const booth = "  - name: exhibition-booth"
	rulesFile := filepath.Join(t.TempDir(), "rules.yaml")
	os.WriteFile(rulesFile, []byte(strings.Replace(string(rules), booth, "  - name: webinar\n    type: offline\n    channel: webinar\n    points: 50\n"+booth, 1)), 0o600)
	p := writeConfig(t, "timezone: Asia/Tokyo\nsfa:\n  language: en\n  hubspot:\n    base_url: "+hs.URL+"\n  kintone:\n    base_url: "+kt.URL+"\n    app: 42\n    email_field: email\n    comment: true\n")
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_RULES": rulesFile, "BATON_HUBSPOT_TOKEN": hs.Token,
		"BATON_HUBSPOT_CLIENT_SECRET": "hubspot-app-secret-0123", "BATON_KINTONE_API_TOKEN": kt.APIToken}, clk.Now)
	const email = "noshow.hs@maker.example"
	list := func(attended string) string {
		head, row := "Name,Company,Job Title,employees,Email,Event,Date,Channel", "Taro Kesseki,Maker Inc.,Head of Purchasing,500,"+email+",DX webinar,2026/11/19,webinar"
		if attended != "" {
			head, row = head+",Attended", row+","+attended
		}
		return head + "\r\n" + row + "\r\n"
	}
	imp := func(csv string) {
		t.Helper()
		if code, _, b := postCSV(t, s, "/admin/touches", csv); code != 200 {
			t.Fatalf("import: %d %s", code, b)
		}
		settle(t, s)
		drain(t, s)
	}
	notes := func() []string {
		hs.Lock()
		defer hs.Unlock()
		var out []string
		for _, n := range hs.Notes {
			b, _ := n["properties"].(map[string]any)["hs_note_body"].(string)
			out = append(out, b)
		}
		return out
	}
	imp(list(""))
	person, err := s.App.People.ByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	deliver(t, s, func() bool { return mqlDelivered(t, s, person.ID+"-c1") })
	if n, m := len(notes()), len(kt.RecordComments(email)); n != 1 || m != 1 {
		t.Fatalf("%d notes, %d comments after the MQL", n, m)
	}
	clk.Advance(24 * time.Hour)
	imp(list("No"))
	deliver(t, s, func() bool { return len(notes()) == 2 && len(kt.RecordComments(email)) == 2 })
	if b := notes()[1]; !strings.Contains(b, "Did not attend: webinar DX webinar") || !strings.Contains(b, "2026-11-19 webinar DX webinar (absent)") || !strings.Contains(b, "Behaviour 0,") {
		t.Errorf("the no-show's note:\n%s", b)
	}
	if c := kt.RecordComments(email)[1].Text; !strings.Contains(c, "Did not attend: webinar DX webinar") || !strings.Contains(c, "(Baton activity "+person.ID+"-c1-a") {
		t.Errorf("the no-show's comment:\n%s", c)
	}
	clk.Advance(time.Hour)
	imp(list("No"))
	if n, m := len(notes()), len(kt.RecordComments(email)); n != 2 || m != 2 {
		t.Fatalf("after the same report again: %d notes, %d comments; want 2 each", n, m)
	}
	clk.Advance(time.Hour)
	imp(list("Yes"))
	deliver(t, s, func() bool { return len(notes()) == 3 && len(kt.RecordComments(email)) == 3 })
	if b := notes()[2]; !strings.Contains(b, "Attended after all: webinar DX webinar") {
		t.Errorf("the correction's note:\n%s", b)
	}
	imp(list("Yes"))
	if n, m := len(notes()), len(kt.RecordComments(email)); n != 3 || m != 3 {
		t.Errorf("after the corrected report again: %d notes, %d comments; want 3 each", n, m)
	}

	// No, Yes, No in quick succession while HubSpot is down (its notes
	// held, retrying, until the last report): HubSpot, told attended
	// last, gets one note, absent; kintone, up, a comment per change.
	hs.FailWrites(1000, crmfake.Fault{Status: 503, Body: `{"status":"error","message":"maintenance"}`})
	clk.Advance(time.Hour)
	for _, r := range []string{"No", "Yes", "No"} {
		imp(list(r))
	}
	deliver(t, s, func() bool { return len(kt.RecordComments(email)) == 6 })
	waitUnclaimed(t, s, person.ID, clk.Now())
	hs.Heal()
	for range 6 {
		clk.Advance(20 * time.Minute) // past every backoff
		drain(t, s)
	}
	var told []string
	for _, b := range notes()[3:] {
		told = append(told, map[bool]string{true: "absent", false: "attended"}[strings.Contains(b, "Did not attend")])
	}
	if fmt.Sprint(told) != "[absent]" {
		t.Errorf("HubSpot's notes after No, Yes, No while it was down: %v, want [absent]", told)
	}
	if n := len(kt.RecordComments(email)); n != 6 {
		t.Errorf("%d kintone comments, want 6", n)
	}
}

// waitUnclaimed waits until no delivery record of the person's is claimed
// (being pushed by the local stack's own worker): a clock advanced past
// a claim lets the test's drain take its message again.
func waitUnclaimed(t *testing.T, s *stack.Stack, person string, now time.Time) {
	t.Helper()
	for range 200 {
		busy := false
		items, err := s.App.Table.Query(t.Context(), table.Query{PK: identity.PersonPK(person), Prefix: "DLV#", Consistent: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			var d push.Delivery
			if json.Unmarshal(it.Data, &d) == nil && d.Claimed.After(now) {
				busy = true
			}
		}
		if !busy {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("deliveries still claimed")
}
