-- Remove the units a user answers for (before removing or changing the user).
-- $email: text, lower case
delete from user_units
where email = $email
