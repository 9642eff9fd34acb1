package admin

import (
	"net/http"
	"strings"
)

// jaCSV names the report CSVs' columns in Japanese. The API's names stay
// the default (scripts read them); a file asked for with ?lang=ja (the
// Japanese dashboard's links) is for a person opening it in Excel.
var jaCSV = map[string]string{
	"period": "期間", "group": "グループ", "stage": "ステージ", "model": "アトリビューションモデル", "credit": "貢献度",
	"owner": "担当者", "mqls": "MQL 数", "responded": "回答済み", "accepted": "受入", "rejected": "差し戻し",
	"within_sla": "SLA 内", "share_within": "SLA 内の割合", "median_hours_to_respond": "回答までの時間（中央値、時間）",
	"open_breaches": "未対応の SLA 超過", "dimension": "集計軸", "value": "値", "sal": "SAL", "sql": "SQL", "won": "受注",
	"lost": "失注", "why": "営業のコメント", "kind": "種別", "currency": "通貨", "amount": "金額", "deals": "商談数",
	"segment": "セグメント", "win_rate": "受注率", "median_days_to_sql": "SQL までの日数（中央値）",
	"median_days_to_won": "受注までの日数（中央値）", "won_amount": "受注金額", "month": "月", "target": "目標",
	"actual": "実績", "share": "達成率", "run_rate": "着地見込み", "run_rate_share": "見込み達成率", "on_track": "達成見込み",
}

// csvHeader is a report CSV's header in the language ?lang= asks for: a
// column named by jaCSV, a lifecycle stage ("mql") or a step between two
// ("mql->sal") as the pages name them.
func csvHeader(r *http.Request, header []string) []string {
	if r.URL.Query().Get("lang") != "ja" {
		return header
	}
	p := page{L: "ja"}
	out := make([]string, len(header))
	for i, h := range header {
		switch from, to, step := strings.Cut(h, "->"); {
		case jaCSV[h] != "":
			out[i] = jaCSV[h]
		case step:
			out[i] = p.Stage(from) + "→" + p.Stage(to)
		case ja["stage:"+h] != "":
			out[i] = p.Stage(h)
		default:
			out[i] = h
		}
	}
	return out
}
