package account

import "testing"

// TestNonCompanyLegalForms: the legal forms of Japan's other corporations
// a B2B team sells to (clinics, schools, welfare, tax and law firms,
// public bodies, mutual insurers) are company-type words as 株式会社 is:
// 医療法人社団アクメ会, (医)アクメ会 and アクメ会 are one account, as the
// business card, the form and the SFA write them.
func TestNonCompanyLegalForms(t *testing.T) {
	same := [][]string{
		{"アクメ会", "医療法人社団アクメ会", "医療法人財団アクメ会", "医療法人アクメ会", "社会医療法人アクメ会", "(医)アクメ会", "（医）アクメ会"},
		{"アクメ学園", "学校法人アクメ学園", "(学)アクメ学園"},
		{"アクメ福祉会", "社会福祉法人アクメ福祉会", "(福)アクメ福祉会"},
		{"アクメ", "税理士法人アクメ", "弁護士法人アクメ", "司法書士法人アクメ", "行政書士法人アクメ", "社会保険労務士法人アクメ", "特許業務法人アクメ", "有限責任監査法人アクメ", "監査法人アクメ", "有限責任事業組合アクメ"},
		{"情報処理推進機構", "独立行政法人情報処理推進機構", "(独)情報処理推進機構"},
		{"東京都立産業技術研究センター", "地方独立行政法人東京都立産業技術研究センター"},
		{"東京大学", "国立大学法人東京大学"},
		{"アクメ協会", "一般社団法人アクメ協会", "(一社)アクメ協会", "(公社)アクメ協会", "(一財)アクメ協会", "(公財)アクメ協会"},
		{"アクメ生命保険", "アクメ生命保険相互会社"},
	}
	for _, group := range same {
		want := CompanyKey(group[0])
		for _, n := range group[1:] {
			if got := CompanyKey(n); got != want {
				t.Errorf("CompanyKey(%q) = %q, want %q (as %q)", n, got, want, group[0])
			}
		}
	}
}

// TestEnglishNamesOfJapaneseForms: 合同会社 is G.K. (Godo Kaisha) in
// English, as the many foreign companies' Japanese arms write it (Google
// G.K., Apple Japan G.K., Cisco Systems G.K.), 有限会社 Y.K., and 株式会社
// written out is Kabushiki Kaisha. K.K. was a legal form, these were not:
// "Acme G.K." had the key acmeg, "Acme GK" acmegk, so the business card
// and the form of one company founded two accounts. L.L.C. with its dots
// is the LLC the README lists, and Pte. Ltd. (Singapore) and Pty Ltd
// (Australia) the APAC forms an English list writes.
func TestEnglishNamesOfJapaneseForms(t *testing.T) {
	same := [][]string{
		{"Acme合同会社", "Acme G.K.", "Acme GK", "ACME G. K.", "Acme Godo Kaisha", "Acme, GK"},
		{"有限会社Acme", "Acme Y.K.", "Acme Yugen Kaisha"},
		{"株式会社Acme", "Acme Kabushiki Kaisha", "Kabushiki Kaisha Acme", "Acme K.K."},
		{"Acme LLC", "Acme L.L.C.", "Acme, L.L.C"},
		{"Acme Ltd.", "Acme Pte. Ltd.", "Acme Pty Ltd"},
	}
	for _, group := range same {
		want := CompanyKey(group[0])
		for _, n := range group[1:] {
			if got := CompanyKey(n); got != want {
				t.Errorf("CompanyKey(%q) = %q, want %q (as %q)", n, got, want, group[0])
			}
		}
	}
	// Single letters that spell no form stay the name's.
	if k := CompanyKey("A.B.C. Inc."); k != "abc" {
		t.Errorf("CompanyKey(A.B.C. Inc.) = %q", k)
	}
	if CompanyKey("Studio G") == CompanyKey("Studio") {
		t.Error("Studio G and Studio share a key")
	}
}
