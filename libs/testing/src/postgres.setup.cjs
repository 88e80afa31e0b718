// The plain PostgreSQL run of jest.databases.cjs: the system server on 5432 unless TEST_DATABASE_URL says otherwise.
process.env.TEST_DATABASE_FLAVOUR = 'postgresql';
