package client

import (
	"context"
	"net/http"
	"net/url"
)

const ocmPrefix = "/v1"

// SaveAlphaName saves a display name for a country in the campaign database.
// If the same name (ignoring case) is already saved for that country, it
// returns the existing record with created false and no error.
func (o *OCM) SaveAlphaName(ctx context.Context, name, country string) (AlphaName, bool, error) {
	return o.SaveAlphaNameStatus(ctx, name, country, "")
}

// SaveAlphaNameStatus is SaveAlphaName with Meta's review of the name
// (name_status, as the provider reported it; "" when not known). Saved again
// with another review state, the existing record takes it: that is how a
// review that has come through is recorded.
func (o *OCM) SaveAlphaNameStatus(ctx context.Context, name, country, nameStatus string) (AlphaName, bool, error) {
	var a AlphaName
	in := struct {
		Name       string `json:"name"`
		Country    string `json:"country"`
		NameStatus string `json:"name_status,omitempty"`
	}{name, country, nameStatus}
	status, err := o.t.call(ctx, http.MethodPost, ocmPrefix+"/alpha-names", nil, in, &a)
	return a, err == nil && status == http.StatusCreated, err
}

// ListAlphaNames lists the saved names of a country (all countries if empty),
// oldest first.
func (o *OCM) ListAlphaNames(ctx context.Context, country string) ([]AlphaName, error) {
	var out struct {
		AlphaNames []AlphaName `json:"alpha_names"`
	}
	var q url.Values
	if country != "" {
		q = url.Values{"country": {country}}
	}
	_, err := o.t.call(ctx, http.MethodGet, ocmPrefix+"/alpha-names", q, nil, &out)
	if out.AlphaNames == nil && err == nil {
		out.AlphaNames = []AlphaName{}
	}
	return out.AlphaNames, err
}
