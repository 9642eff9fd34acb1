package account

import (
	"fmt"
	"testing"
)

// TestRoomForKeepsWhatMatters: an account full of names still claims a
// domain, the name an operator gave it and its SFA's company name; not
// another name, nor a domain past MaxDomainKeys.
func TestRoomForKeepsWhatMatters(t *testing.T) {
	a := &Account{Keys: []string{"d:acme.example"}, Name: "アクメ 開発本部", Named: true, SFA: map[string]string{"company": "ACME Holdings"}}
	for i := range MaxNameKeys {
		a.Keys = append(a.Keys, fmt.Sprintf("n:name%d", i))
	}
	for k, want := range map[string]bool{
		"d:acme-group.example": true,
		"n:other":              false,
		"n:" + CompanyKey("アクメ 開発本部"):      true,
		"n:" + CompanyKey("ACME Holdings"): true,
	} {
		if got := a.roomFor(k); got != want {
			t.Errorf("roomFor(%q) = %v, want %v", k, got, want)
		}
	}
	for i := range MaxDomainKeys - 1 {
		a.Keys = append(a.Keys, fmt.Sprintf("d:d%d.example", i))
	}
	if a.roomFor("d:one-more.example") {
		t.Errorf("a domain past %d claimed", MaxDomainKeys)
	}
}
