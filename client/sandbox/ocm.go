package sandbox

import (
	"net/http"
	"strings"

	"wizard/client"
)

// MaxAlphaNameLength bounds a saved name, in characters.
const MaxAlphaNameLength = 128

func (s *Server) ocmRoutes() {
	s.mux.HandleFunc("POST /ocm/v1/alpha-names", s.saveAlphaName)
	s.mux.HandleFunc("GET /ocm/v1/alpha-names", s.listAlphaNames)
	s.mux.HandleFunc("/ocm/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "not_found", "No such route: "+r.Method+" "+r.URL.Path, "")
	})
}

func (s *Server) saveAlphaName(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name       string `json:"name"`
		Country    string `json:"country"`
		NameStatus string `json:"name_status"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	name := strings.Join(strings.Fields(in.Name), " ")
	country := strings.ToUpper(strings.TrimSpace(in.Country))
	switch {
	case name == "":
		apiError(w, http.StatusUnprocessableEntity, "missing_field", "The field name is required.", "name")
		return
	case len([]rune(name)) > MaxAlphaNameLength:
		apiError(w, http.StatusUnprocessableEntity, "name_too_long", "The name is longer than 128 characters.", "name")
		return
	case country == "":
		apiError(w, http.StatusUnprocessableEntity, "missing_field", "The field country is required.", "country")
		return
	case !validCountry(country):
		apiError(w, http.StatusUnprocessableEntity, "invalid_country", "The country must be an ISO 3166-1 alpha-2 code such as KZ.", "country")
		return
	}
	status := strings.ToUpper(strings.TrimSpace(in.NameStatus))
	if status != "" && !validNameStatus(status) {
		apiError(w, http.StatusUnprocessableEntity, "invalid_name_status",
			"The name_status must be Meta's review state: 1 to 32 letters and underscores, such as APPROVED.", "name_status")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for i, a := range s.alphaNames {
		if a.Country == country && strings.EqualFold(a.Name, name) {
			if status != "" && status != a.NameStatus {
				a.NameStatus, a.StatusAt = status, now
				s.alphaNames[i] = a
			}
			writeJSON(w, http.StatusOK, a)
			return
		}
	}
	a := client.AlphaName{ID: prefixedID("an"), Name: name, Country: country, CreatedAt: now}
	if status != "" {
		a.NameStatus, a.StatusAt = status, now
	}
	s.alphaNames = append(s.alphaNames, a)
	writeJSON(w, http.StatusCreated, a)
}

func (s *Server) listAlphaNames(w http.ResponseWriter, r *http.Request) {
	country := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("country")))
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []client.AlphaName{}
	for _, a := range s.alphaNames {
		if country == "" || a.Country == country {
			list = append(list, a)
		}
	}
	writeJSON(w, http.StatusOK, map[string][]client.AlphaName{"alpha_names": list})
}
