package account

import (
	"fmt"
	"testing"
	"time"
)

// TestMembersBounded: past MaxMembers the least recently active person
// leaves the list, and the account item stays far inside DynamoDB's 400 KB.
func TestMembersBounded(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	var a Account
	for i := range MaxMembers + 1 {
		a.upsert(Member{Person: fmt.Sprintf("p_%024d", i), Email: fmt.Sprintf("someone.with.a.long.name.%d@a-rather-long-company-domain.co.jp", i),
			Name: "山田 太郎", Title: "情報システム本部 本部長代理", Role: Manager, Grade: "A", Stage: "mql",
			LastActive: t0.Add(time.Duration((i+7)%(MaxMembers+1)) * time.Minute),
			Company:    map[string]string{"company": "株式会社サンプルテクノロジーホールディングス", "industry": "情報通信業", "employees": "1000-4999", "country": "日本"}})
	}
	if len(a.Members) != MaxMembers {
		t.Fatalf("%d members", len(a.Members))
	}
	for _, m := range a.Members {
		if m.LastActive.Equal(t0) {
			t.Fatalf("the least recently active person stayed: %s", m.Person)
		}
	}
	if n := len(mustJSON(a)); n > 300<<10 {
		t.Fatalf("an account of %d people is %d bytes", MaxMembers, n)
	}
}
