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
