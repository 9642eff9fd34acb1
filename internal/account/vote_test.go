package account

import "testing"

// TestAccountNameWrittenOut: two people of one company, one writing
// (株)アクメ商事 and one 株式会社アクメ商事: the account is named by the
// name written out, whoever was active last (it took the abbreviation);
// more people writing the abbreviation still decide.
func TestAccountNameWrittenOut(t *testing.T) {
	m := func(company string) Member { return Member{Company: map[string]string{"company": company}} }
	for _, c := range []struct {
		members []Member
		want    string
	}{
		{[]Member{m("(株)アクメ商事"), m("株式会社アクメ商事")}, "株式会社アクメ商事"},
		{[]Member{m("株式会社アクメ商事"), m("㈱アクメ商事")}, "株式会社アクメ商事"},
		{[]Member{m("(株)アクメ商事"), m("(株)アクメ商事"), m("株式会社アクメ商事")}, "(株)アクメ商事"},
		{[]Member{m("Acme Inc."), m("ACME")}, "Acme Inc."},
		// Written out means the most recent person's name that is not
		// abbreviated, not whichever sorts first.
		{[]Member{m("(株)アクメ商事"), m("株式会社アクメ商事"), m("アクメ商事")}, "株式会社アクメ商事"},
		{[]Member{m("㍿アクメ商事"), m("株式会社アクメ商事")}, "株式会社アクメ商事"},
		{[]Member{m("ACME"), m("Acme Inc.")}, "ACME"},
		// Every short form of legalForms, however it is typed.
		{[]Member{m("（一社）日本アクメ協会"), m("一般社団法人日本アクメ協会")}, "一般社団法人日本アクメ協会"},
		{[]Member{m("(医)アクメ会"), m("医療法人アクメ会")}, "医療法人アクメ会"},
		{[]Member{m("㈾アクメ"), m("合資会社アクメ")}, "合資会社アクメ"},
		{[]Member{m("（株）アクメ商事"), m("株式会社アクメ商事")}, "株式会社アクメ商事"},
	} {
		if got := vote(c.members)["company"]; got != c.want {
			t.Errorf("%v: %q, want %q", c.members, got, c.want)
		}
	}
}

// TestAccountNameVotesByCompany: three people of one company wrote it
// 株式会社アクメ, (株)アクメ and 株式会社アクメ 東京支店. Counted by spelling
// it was a 1-1-1 tie the branch's person, most recently active, won: the
// account was named after the branch. Spellings with one company key vote
// together, and the account is named by the company's own name in full,
// whoever was active last; different companies still tie deterministically.
func TestAccountNameVotesByCompany(t *testing.T) {
	m := func(company, role string) Member {
		return Member{Company: map[string]string{"company": company}, Role: role}
	}
	for _, c := range []struct {
		members []Member
		want    string
	}{
		{[]Member{m("株式会社アクメ 東京支店", ""), m("(株)アクメ", ""), m("株式会社アクメ", "")}, "株式会社アクメ"},
		{[]Member{m("株式会社アクメ 東京支店", ""), m("株式会社アクメ", ""), m("(株)アクメ", "")}, "株式会社アクメ"},
		{[]Member{m("(株)アクメ 大阪営業所", DecisionMaker), m("株式会社アクメ 東京支店", ""), m("（株）アクメ", "")}, "（株）アクメ"},
		// One company's votes outnumber another's however spelt.
		{[]Member{m("株式会社バトン", ""), m("株式会社アクメ 東京支店", ""), m("ｱｸﾒ株式会社", "")}, "ｱｸﾒ株式会社"},
		{[]Member{m("Acme Tokyo Branch", ""), m("ACME Co., Ltd.", ""), m("Baton Inc.", "")}, "ACME Co., Ltd."},
		// Only the branch's people: the name they gave.
		{[]Member{m("株式会社アクメ 東京支店", ""), m("株式会社バトン", "")}, "株式会社アクメ 東京支店"},
		// Two companies, one vote each: the most senior person's, then
		// the most recently active person's.
		{[]Member{m("株式会社バトン", ""), m("株式会社アクメ", "")}, "株式会社バトン"},
		{[]Member{m("株式会社アクメ", ""), m("株式会社バトン", "")}, "株式会社アクメ"},
		{[]Member{m("株式会社バトン", Practitioner), m("株式会社アクメ 東京支店", Manager)}, "株式会社アクメ 東京支店"},
		// Names of no company vote by their spelling, as before.
		{[]Member{m("なし", ""), m("なし", ""), m("株式会社アクメ", "")}, "なし"},
	} {
		for range 3 { // the same every time
			if got := vote(c.members)["company"]; got != c.want {
				t.Errorf("%v: %q, want %q", c.members, got, c.want)
				break
			}
		}
	}
}

// TestAttributeTieGoesToTheMostSenior: a practitioner left the 従業員数
// dropdown at its default, 250-999; the CEO chose 1000+. One vote each,
// and the practitioner, active last, won. A tie now goes to the most
// senior person's value (then the most recently active person's); more
// people giving a value still decide.
func TestAttributeTieGoesToTheMostSenior(t *testing.T) {
	m := func(employees, role string) Member {
		return Member{Company: map[string]string{"employees": employees}, Role: role}
	}
	for _, c := range []struct {
		members []Member
		want    string
	}{
		{[]Member{m("250-999", Practitioner), m("1000+", DecisionMaker)}, "1000+"},
		{[]Member{m("250-999", ""), m("1000+", Manager)}, "1000+"},
		{[]Member{m("250-999", Practitioner), m("1000+", Manager), m("1000+", "")}, "1000+"},
		{[]Member{m("250-999", Practitioner), m("250-999", Practitioner), m("1000+", DecisionMaker)}, "250-999"},
		{[]Member{m("250-999", Manager), m("1000+", Manager)}, "250-999"},
	} {
		if got := vote(c.members)["employees"]; got != c.want {
			t.Errorf("%v: %q, want %q", c.members, got, c.want)
		}
	}
}
