DROP TABLE IF EXISTS audit_log, login_failures, sessions, user_centres, users, progress_reports,
    indicator_values, indicators, activity_progress, activities, objectives,
    objective_groups, cycle_centres, centres, periods, cycles, organisations;
DROP FUNCTION IF EXISTS audit_log_append_only();
