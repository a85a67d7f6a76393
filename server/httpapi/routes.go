package httpapi

import "net/http"

// Handler returns the root handler: every route of the server in one
// place. The guards (guards.go) say who may call a route; the handlers
// live in the file of their concern.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Teachers' accounts (accounts.go).
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginSubmit)
	mux.HandleFunc("POST /api/login", s.apiLogin)
	mux.HandleFunc("POST /api/password", s.apiPassword)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /api/me", s.me)

	// Lessons (lessons.go).
	mux.HandleFunc("POST /api/lessons", s.createLesson)
	mux.HandleFunc("GET /api/lessons/{id}/attendance", s.withLesson(s.attendance))
	if s.Checks != nil {
		s.checkRoutes(mux)
	}

	if s.Classes != nil {
		s.classRoutes(mux)
		if s.Records != nil {
			s.recordRoutes(mux)
		}
		s.boardRoutes(mux)
	}

	mux.Handle("GET /ws", s.Signaling)
	s.healthRoutes(mux)
	mux.Handle("/", s.boardPages(pagePaths(s.Pages)))
	return securityHeaders(cors(s.AllowedOrigins, s.sameSiteWrites(mux)))
}

// classRoutes: class lists, codes and personal links (classes.go,
// print.go), for the class's own teacher.
func (s *Server) classRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/classes", s.listClasses)
	mux.HandleFunc("POST /api/classes", s.createClass)
	mux.HandleFunc("GET /api/classes/{id}", s.withClass(s.showClass))
	mux.HandleFunc("DELETE /api/classes/{id}", s.withClass(s.deleteClass))
	mux.HandleFunc("POST /api/classes/{id}/code", s.withClass(s.renewClassCode))
	mux.HandleFunc("POST /api/classes/{id}/settings", s.withClass(s.classSettings))
	mux.HandleFunc("POST /api/classes/{id}/students", s.withClass(s.addStudents))
	mux.HandleFunc("DELETE /api/classes/{id}/students/{sid}", s.withClass(s.removeStudent))
	mux.HandleFunc("POST /api/classes/{id}/students/{sid}/link", s.withClass(s.renewStudentLink))
	mux.HandleFunc("GET /classes/{id}/print", s.withClass(s.printClass))
}

// recordRoutes: the roll call's history and its exports (records.go,
// csv.go, print.go), for the class's or the lesson's own teacher, and
// the teacher's own running and recent lessons for the start page.
func (s *Server) recordRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/lessons", s.teacherLessons)
	mux.HandleFunc("GET /api/classes/{id}/lessons", s.withClass(s.classHistory))
	mux.HandleFunc("GET /api/classes/{id}/attendance.csv", s.withClass(s.classCSV))
	mux.HandleFunc("GET /classes/{id}/attendance/print", s.withClass(s.classPrint))
	mux.HandleFunc("GET /api/lessons/{id}/attendance.csv", s.withLesson(s.lessonCSV))
	mux.HandleFunc("GET /lessons/{id}/print", s.withLesson(s.lessonPrint))
}

// boardRoutes: the assignment board. Teachers (boardteacher.go,
// boardfiles.go, handinszip.go) by session; students (boardstudent.go,
// handin.go) by their personal link.
func (s *Server) boardRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/classes/{id}/board", s.withBoard(s.teacherBoard))
	mux.HandleFunc("POST /api/classes/{id}/board", s.withBoard(s.createAssignment))
	mux.HandleFunc("POST /api/classes/{id}/board/order", s.withBoard(s.orderBoard))
	mux.HandleFunc("PUT /api/classes/{id}/board/{aid}", s.withAssignment(s.editAssignment))
	mux.HandleFunc("POST /api/classes/{id}/board/{aid}/archive", s.withAssignment(s.archiveAssignment))
	mux.HandleFunc("POST /api/classes/{id}/board/{aid}/files", s.withAssignment(s.attachFile))
	mux.HandleFunc("GET /api/classes/{id}/board/{aid}/files/{hash}", s.withAssignment(s.teacherAttachment))
	mux.HandleFunc("DELETE /api/classes/{id}/board/{aid}/files/{hash}", s.withAssignment(s.detachFile))
	mux.HandleFunc("GET /api/classes/{id}/board/{aid}/handins", s.withAssignment(s.handInsView))
	mux.HandleFunc("GET /api/classes/{id}/board/{aid}/handins.zip", s.withAssignment(s.handInsZip))
	mux.HandleFunc("GET /api/classes/{id}/board/{aid}/handins/{hid}/files/{hash}", s.withAssignment(s.teacherHandInFile))
	mux.HandleFunc("GET /api/board", s.withStudent(s.studentBoard))
	mux.HandleFunc("GET /api/board/files/{hash}", s.withStudent(s.studentAttachment))
	mux.HandleFunc("PUT /api/board/{aid}/handins/{hid}", s.withStudent(s.putHandIn))
	mux.HandleFunc("GET /api/board/{aid}/handins/{hid}/files/{hash}", s.withStudent(s.studentHandInFile))
}
