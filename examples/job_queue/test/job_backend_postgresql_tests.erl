%% The PostgreSQL backend against the backend contract, on a live server.
%%
%% GGEN_TEST_PG_URL names the server (the pytest fixture starts one on a
%% loopback port and sets it); without it the suite is empty. Each run uses a
%% table of its own.
-module(job_backend_postgresql_tests).

-include_lib("eunit/include/eunit.hrl").

postgresql_contract_test_() ->
    case os:getenv("GGEN_TEST_PG_URL") of
        false ->
            [];
        Url ->
            Table = job_backend_contract:unique("jobs_eunit_"),
            job_backend_contract:tests(
              job_backend_postgresql,
              #{url => Url, table => Table},
              #{url => "postgresql://postgres@127.0.0.1:1/postgres",
                table => Table})
    end.
