package account_test

import (
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
)

// TestMQASummaryInJapanese: with sfa.language ja the account's summary
// sales read is Japanese: its reasons and the people's roles as the
// Japanese accounts page words them; English otherwise, as before.
func TestMQASummaryInJapanese(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.FixedZone("JST", 9*3600))
	m := account.MQA{
		Lang: "ja", Condition: "buying-group", Score: 120, Behaviour: 90, Fit: 30,
		Reasons: []string{"3 people active within 14 days (at least 2)", "roles present: decision_maker, manager", "account score 120"},
		People: []account.Member{
			{Name: "山田 太郎", Email: "yamada@maker.example", Title: "部長", Role: "decision_maker", Behaviour: 50, LastActive: at},
			{Name: "佐藤 花子", Email: "sato@maker.example", Title: "", Role: "", Behaviour: 40, LastActive: at},
			{Email: "shiro@maker.example", Behaviour: 10},
		},
	}
	got := m.Summary()
	for _, want := range []string{
		"MQA（buying-group）：14 日以内に 3 人が活動（2 人以上）／揃っている役割：決裁者、管理職／アカウントスコア 120\n",
		"アカウントスコア 120（行動 90、適合度 30）\n", "人物（時刻は JST）：\n", // which zone, said once
		"\n- shiro@maker.example（役割不明）行動スコア 10、最終活動 不明\n", // no name: no gap
		"- 山田 太郎 yamada@maker.example（部長、決裁者）行動スコア 50、最終活動 2026-11-24 10:30\n",
		"- 佐藤 花子 sato@maker.example（役割不明）行動スコア 40",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	m.Lang = ""
	if en := m.Summary(); !strings.Contains(en, "MQA (buying-group): 3 people active within 14 days (at least 2); roles present: decision maker, manager") || !strings.Contains(en, "sato@maker.example (role unknown) behaviour 40") || strings.Contains(en, "decision_maker") {
		t.Errorf("the English summary changed:\n%s", en)
	}
}

// TestMQASummaryNamesRoles: the English summary said a person's role as
// its code ("decision_maker"); it names it as the English accounts page
// does, and a role the workspace has no name for stays as it is.
func TestMQASummaryNamesRoles(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	m := account.MQA{
		Condition: "buying-group", Reasons: []string{"account score 120"},
		People: []account.Member{
			{Name: "Taro Yamada", Email: "yamada@maker.example", Title: "CTO", Role: account.DecisionMaker, Behaviour: 50, LastActive: at},
			{Name: "Hanako Sato", Email: "sato@maker.example", Role: account.Practitioner, Behaviour: 40, LastActive: at},
			{Name: "Jiro Ito", Email: "ito@maker.example", Role: "champion", Behaviour: 30, LastActive: at},
		},
	}
	en := m.Summary()
	for _, want := range []string{"yamada@maker.example (CTO, decision maker) behaviour 50", "sato@maker.example (practitioner) behaviour 40", "ito@maker.example (champion) behaviour 30"} {
		if !strings.Contains(en, want) {
			t.Errorf("English summary lacks %q:\n%s", want, en)
		}
	}
	if strings.Contains(en, "decision_maker") {
		t.Errorf("English summary says decision_maker:\n%s", en)
	}
	m.Lang = "ja"
	if ja := m.Summary(); !strings.Contains(ja, "（CTO、決裁者）") || !strings.Contains(ja, "（担当者）") || !strings.Contains(ja, "（champion）") {
		t.Errorf("Japanese summary:\n%s", ja)
	}
}

// TestMQASummaryLinksOnlyOwnSites: a member's name and title are what they
// typed in a form, and anyone can submit one; the MQA's summary (the
// Salesforce account Task, kintone's mqa_summary, the HubSpot note, a
// webhook's text) wrote them as typed, an off-site URL in them a link in
// the SFA, where an MQL's summary marks it. They, and the reasons, are
// written as the MQL's are: a URL not on the team's sites marked and no
// link, one on them as it is.
func TestMQASummaryLinksOnlyOwnSites(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)
	for lang, mark := range map[string]string{"": "[other site, unverified] ", "ja": "［外部サイト・未確認］"} {
		m := account.MQA{
			Lang: lang, Sites: []string{"www.example.com"}, Condition: "buying-group",
			Reasons: []string{"visited https://evil.example/r", "account score 120"},
			People: []account.Member{
				{Name: "https://evil.example/x", Email: "a@maker.example", Title: "see www.evil.example/login", Role: account.DecisionMaker, LastActive: at},
				{Name: "Hanako Sato", Email: "sato@maker.example", Title: "https://www.example.com/team", LastActive: at},
			},
		}
		got := m.Summary()
		if strings.Contains(got, "evil.example") {
			t.Errorf("%q summary writes an off-site URL a renderer links:\n%s", lang, got)
		}
		for _, want := range []string{mark + "evil[.]example/x a@maker.example", "see " + mark + "www[.]evil[.]example/login", "visited " + mark + "evil[.]example/r", "https://www.example.com/team"} {
			if !strings.Contains(got, want) {
				t.Errorf("%q summary lacks %q:\n%s", lang, want, got)
			}
		}
	}
}

// TestMQASummaryMarksTheRepeatedHour: a New York account's people active
// at 01:30 EDT and 01:30 EST on the night the clocks go back read alike
// ("last active 2026-11-01 01:30" twice); each says its zone.
func TestMQASummaryMarksTheRepeatedHour(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	m := account.MQA{Condition: "buying-group", Reasons: []string{"account score 120"}, People: []account.Member{
		{Email: "a@maker.example", LastActive: time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC).In(ny)},
		{Email: "b@maker.example", LastActive: time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC).In(ny)},
		{Email: "c@maker.example", LastActive: time.Date(2026, 11, 2, 6, 30, 0, 0, time.UTC).In(ny)},
	}}
	got := m.Summary()
	for _, want := range []string{"last active 2026-11-01 01:30 EDT\n", "last active 2026-11-01 01:30 EST\n", "last active 2026-11-02 01:30\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}
