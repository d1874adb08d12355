DROP TABLE legal_notices;
