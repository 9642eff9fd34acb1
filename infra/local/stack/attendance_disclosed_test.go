package stack_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestAttendanceToldIsDisclosed: a webinar registration made a 部長 an MQL
// (delivered to the inbox), the report then said they did not come, and
// delivery told sales: Baton keeps, in the person's partition, what it told
// of that touch (ATT#<mql>#<touch>, kind attendancetold). The erasure
// removes it (identity's sweep of the partition), so the disclosure must
// show it: README, Privacy: "The file holds every item an erasure would
// remove, by kind".
func TestAttendanceToldIsDisclosed(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	clk := clock.NewManual(time.Date(2026, 11, 20, 10, 0, 0, 0, tokyo))
	p := writeConfig(t, "timezone: Asia/Tokyo\nsfa:\n  language: ja\n")
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_RULES": webinarRules(t)}, clk.Now)

	const email = "noshow.disclosed@maker.example"
	list := func(attended string) string {
		head, row := "氏名,会社名,役職,employees,メールアドレス,イベント名,日付,チャネル", "欠席 太郎,メーカー株式会社,購買部長,500,"+email+",製造業DXウェビナー,2026/11/19,ウェビナー"
		if attended != "" {
			head, row = head+",出席しましたか", row+","+attended
		}
		return head + "\r\n" + row + "\r\n"
	}
	post := func(csv string) {
		t.Helper()
		if code, _, b := postCSV(t, s, "/admin/touches", csv); code != 200 {
			t.Fatalf("import: %d %s", code, b)
		}
	}
	post(list(""))
	settle(t, s)
	person, err := s.App.People.ByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	id := person.ID
	deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
	clk.Advance(24 * time.Hour)
	post(list("いいえ"))
	settle(t, s)
	deliver(t, s, func() bool {
		_, l := inboxOf(t, s, id)
		return len(l.AttendanceChanges) == 1
	})

	code, b := do(t, "GET", s.URL+"/admin/people/"+id+"/disclosure", token, "")
	var disc struct{ Counts map[string]int }
	if code != 200 || json.Unmarshal(b, &disc) != nil {
		t.Fatalf("disclosure: %d %s", code, b)
	}
	code, b = do(t, "DELETE", s.URL+"/admin/people/"+id, token, "")
	var rep struct{ Removed map[string]int }
	if code != 200 || json.Unmarshal(b, &rep) != nil {
		t.Fatalf("erase: %d %s", code, b)
	}
	if rep.Removed["attendancetold"] == 0 {
		t.Fatalf("no attendance record erased, the test proves nothing: %s", b)
	}
	for kind, n := range rep.Removed {
		if kind == "change" || strings.HasPrefix(kind, "q") {
			continue // the feed's unread changes; queue messages delivery consumed meanwhile
		}
		if disc.Counts[kind] != n {
			t.Errorf("kind %q: the erasure removed %d, the disclosure showed %d", kind, n, disc.Counts[kind])
		}
	}
}
