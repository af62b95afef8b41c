-- Remove a user: their row (their units go first, through delete_user_units).
-- $email: text, lower case
delete from users
where email = $email
