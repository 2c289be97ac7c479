DROP TABLE file_downloads;
DROP TABLE project_files;
