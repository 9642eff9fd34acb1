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
	"open_breaches": "未対応の SLA 超過", "not_delivered": "未配信", "dimension": "集計軸", "value": "値", "sql": "SQL", "won": "受注",
	"lost": "失注", "why": "営業のコメント", "kind": "種別", "currency": "通貨", "amount": "金額", "deals": "商談数",
	"segment": "セグメント", "win_rate": "受注率", "median_days_to_sql": "SQL までの日数（中央値）",
	"median_days_to_won": "受注までの日数（中央値）", "won_amount": "受注金額", "month": "月", "target": "目標",
	"actual": "実績", "share": "達成率", "run_rate": "着地見込み", "run_rate_share": "見込み達成率", "on_track": "達成見込み",
	"label": "表示名",
}

// csvLang is the language a report CSV is asked for in (?lang=ja), "" for
// the API's.
func csvLang(r *http.Request) string {
	if r.URL.Query().Get("lang") == "ja" {
		return "ja"
	}
	return ""
}

// csvHeader is a report CSV's header in the language ?lang= asks for: a
// column named by jaCSV, a lifecycle stage ("mql") or a step's rate
// between two ("mql->sal rate": MQL→SAL 率) as the pages name them.
func csvHeader(r *http.Request, header []string) []string {
	if csvLang(r) != "ja" {
		return header
	}
	p := page{L: "ja"}
	out := make([]string, len(header))
	// The MQL-quality report's sal counts MQLs sales accepted, 受入 as its
	// table on the dashboard says; elsewhere sal is the stage, named as
	// the rate columns beside it name it (SAL（営業受入）).
	quality := len(header) > 0 && header[0] == "dimension"
	for i, h := range header {
		switch from, to, step := strings.Cut(h, "->"); {
		case h == "sal" && quality:
			out[i] = jaCSV["accepted"]
		case jaCSV[h] != "":
			out[i] = jaCSV[h]
		case step && strings.HasSuffix(to, rateSuffix):
			out[i] = p.Stage(from) + "→" + p.Stage(strings.TrimSuffix(to, rateSuffix))
			if !strings.HasSuffix(out[i], "）") { // a space after Latin letters, none after a full-width ）
				out[i] += " "
			}
			out[i] += "率"
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

// jaDimensions name what a report row is grouped by (its dimension column).
var jaDimensions = map[string]string{"all": "全体", "grade": "グレード", "band": "行動帯", "condition": "条件"}

// csvRows are a report CSV's rows in the language ?lang= asks for: the
// values Baton names (a stage, a model, a channel, a group such as
// "(all)", a dimension, a deal's kind, on track or not) as the pages say
// them, each column known by its API name; names people gave (a campaign,
// a condition, an owner) stay.
func csvRows(r *http.Request, header []string, rows [][]string) [][]string {
	if csvLang(r) != "ja" {
		return rows
	}
	p := page{L: "ja"}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	by := r.URL.Query().Get("by") // the groups' dimension where no column names it
	if by == "" {
		by = "channel"
	}
	out := make([][]string, len(rows))
	for i, row := range rows {
		dim := by
		if d, ok := col["dimension"]; ok {
			dim = row[d]
		}
		out[i] = make([]string, len(row))
		for j, v := range row {
			out[i][j] = v
			switch header[j] {
			case "stage":
				out[i][j] = p.Stage(v)
			case "model":
				for k, name := range modelNames { // revenue's are said in words
					if v == name {
						v = k
					}
				}
				if m, ok := ja["model:"+v]; ok {
					out[i][j] = m
				}
			case "dimension":
				if d, ok := jaDimensions[v]; ok {
					out[i][j] = d
				} else if d, ok := ja["by:"+v]; ok {
					out[i][j] = d
				}
			case "group", "segment", "value", "owner":
				if v == noValue && header[j] != "owner" && touchDimension(dim) {
					// Named by the grouping, as the dashboard names it: by
					// campaign, (none) is the people whose first touch had no
					// campaign (a webinar's, a search's), not people without a
					// touch, which is what （接点なし） said in every grouping.
					out[i][j] = p.T(noValueLabel(dim))
				} else if dim == "channel" && header[j] != "owner" {
					out[i][j] = p.Channel(v)
				} else if g, ok := ja[v]; ok && strings.HasPrefix(v, "(") {
					out[i][j] = g // (all), (none), (unassigned)
				}
			case "kind":
				out[i][j] = map[string]string{"won": "受注", "pipeline": "パイプライン"}[v]
			case "on_track":
				out[i][j] = map[string]string{"true": p.T("on track"), "false": p.T("behind")}[v]
			}
			if out[i][j] == "" && v != "" {
				out[i][j] = v
			}
		}
	}
	return out
}

// touchDimension reports whether a report groups by a touch's dimension
// (noValueLabel's), whose (none) group is named by it.
func touchDimension(dim string) bool {
	switch dim {
	case "channel", "source", "medium", "campaign":
		return true
	}
	return false
}
