DROP TABLE units;
DROP TABLE academic_titles;
