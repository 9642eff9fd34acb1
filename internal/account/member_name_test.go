package account_test

import "testing"

// TestMemberNamedFromSeiMei: a person whose form asked 姓 and 名 apart
// (last_name, first_name) is named on their account's member list as the
// workspace's People list names them (佐々木 三郎), not by email; one
// with a name attribute keeps it.
func TestMemberNamedFromSeiMei(t *testing.T) {
	w := newWorld(t)
	w.handle(w.person("v1", "s.sasaki@maker.example", map[string]string{"company": "株式会社メーカー", "last_name": "佐々木", "first_name": "三郎"}))
	w.handle(w.person("v2", "ken@maker.example", map[string]string{"company": "株式会社メーカー", "name": "Ken Ito", "last_name": "Ito"}))
	as := w.accounts()
	if len(as) != 1 || len(as[0].Members) != 2 {
		t.Fatalf("accounts: %+v", as)
	}
	names := map[string]string{}
	for _, m := range as[0].Members {
		names[m.Email] = m.Name
	}
	if names["s.sasaki@maker.example"] != "佐々木 三郎" || names["ken@maker.example"] != "Ken Ito" {
		t.Errorf("member names: %q", names)
	}
}
