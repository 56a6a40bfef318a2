%% The behaviour every live backend must show, as EUnit tests.
%%
%% Each backend's suite starts the backend on a server it was given and calls
%% tests/2 with the module and the settings to start it with. The tests run in
%% order against that one registered server, plus a second server of the same
%% module (a second connection) for the concurrent pullers.
-module(job_backend_contract).

-include_lib("eunit/include/eunit.hrl").

-export([tests/2, tests/3, unique/1]).

%% @doc A name no earlier run used, for keys, tables and prefixes.
-spec unique(string()) -> string().
unique(Prefix) ->
    Prefix ++ integer_to_list(erlang:system_time(microsecond)) ++ "_"
        ++ integer_to_list(erlang:unique_integer([positive])).

%% @doc The contract for Module started with Config; DownConfig points at a
%% server that is not there.
tests(Module, Config) ->
    tests(Module, Config, undefined).

tests(Module, Config, DownConfig) ->
    {setup,
     fun() -> start(Module, Config) end,
     fun(_) -> stop(Module) end,
     [{"publish, pull and ack", fun() -> publish_pull_ack(Module) end},
      {"pull on an empty queue", fun() -> empty_queue(Module) end},
      {"ack removes the job for good", fun() -> ack_is_final(Module) end},
      {"jobs come out by queue, oldest first",
       fun() -> queues_are_separate(Module) end},
      {"a job past its deadline is not handed out",
       fun() -> deadline(Module) end},
      {"unknown priority or domain is an error",
       fun() -> bad_input(Module) end},
      {"a subscriber receives jobs", fun() -> subscriber(Module) end},
      {"two concurrent pullers never get the same job", timeout, 60,
       fun() -> concurrent_pullers(Module, Config) end}]
     ++ down_tests(Module, DownConfig)}.

down_tests(_Module, undefined) ->
    [];
down_tests(Module, DownConfig) ->
    [{"a server that is down at start is an error, not a crash",
      fun() -> down_at_start(Module, DownConfig) end}].

start(Module, Config) ->
    %% The test process must outlive a failing start, and the backend must
    %% outlive the process of the test that started it.
    Parent = self(),
    Starter = spawn(fun() ->
                            Result = Module:start_link(Config),
                            Parent ! {started, Result},
                            receive stop -> ok end
                    end),
    receive
        {started, {ok, _Pid}} -> Starter;
        {started, Error} -> error({backend_did_not_start, Module, Error})
    after 10000 ->
            error({backend_did_not_start, Module, timeout})
    end.

stop(Module) ->
    catch gen_server:stop(Module),
    ok.

publish_pull_ack(Module) ->
    {ok, JobId} = Module:publish(high, payment, #{amount => 100}, 60000),
    {ok, [Job]} = Module:pull(high, payment, 5),
    ?assertMatch(#{id := JobId, priority := high, domain := payment,
                   payload := #{amount := 100}}, Job),
    ?assert(maps:get(deadline, Job) > erlang:system_time(millisecond)),
    ?assertEqual(ok, Module:ack(payment, JobId)).

empty_queue(Module) ->
    ?assertEqual({ok, []}, Module:pull(low, billing, 5)),
    ?assertEqual({ok, []}, Module:pull(low, billing, 1)).

ack_is_final(Module) ->
    {ok, JobId} = Module:publish(normal, fraud, #{check => 1}, 60000),
    {ok, [#{id := JobId}]} = Module:pull(normal, fraud, 5),
    ?assertEqual(ok, Module:ack(fraud, JobId)),
    ?assertMatch({error, _}, Module:ack(fraud, JobId)),
    ?assertEqual({ok, []}, Module:pull(normal, fraud, 5)).

queues_are_separate(Module) ->
    {ok, A} = Module:publish(low, notifications, #{n => 1}, 60000),
    {ok, B} = Module:publish(low, notifications, #{n => 2}, 60000),
    {ok, C} = Module:publish(high, notifications, #{n => 3}, 60000),
    {ok, [#{id := C}]} = Module:pull(high, notifications, 10),
    {ok, [#{id := A}]} = Module:pull(low, notifications, 1),
    {ok, [#{id := B}]} = Module:pull(low, notifications, 10),
    [ok = Module:ack(notifications, Id) || Id <- [A, B, C]].

deadline(Module) ->
    {ok, _Late} = Module:publish(normal, billing, #{late => true}, 20),
    {ok, OnTime} = Module:publish(normal, billing, #{late => false}, 60000),
    timer:sleep(100),
    {ok, Jobs} = Module:pull(normal, billing, 10),
    ?assertEqual([OnTime], [Id || #{id := Id} <- Jobs]),
    ok = Module:ack(billing, OnTime),
    ?assertEqual({ok, []}, Module:pull(normal, billing, 10)).

bad_input(Module) ->
    ?assertEqual({error, {unknown_priority, urgent}},
                 Module:publish(urgent, payment, #{}, 1000)),
    ?assertEqual({error, {unknown_domain, shipping}},
                 Module:pull(high, shipping, 1)),
    ?assertMatch({error, {bad_payload, _}},
                 Module:publish(high, payment, not_a_map, 1000)).

subscriber(Module) ->
    ok = Module:subscribe(fraud, self()),
    {ok, JobId} = Module:publish(high, fraud, #{score => 99}, 60000),
    receive
        {job, Module, #{id := JobId, payload := #{score := 99}}} ->
            ?assertEqual(ok, Module:ack(fraud, JobId))
    after 5000 ->
            ?assert(false)
    end.

%% Pullers on two servers of the module, each server with its own connection,
%% drain one queue at once; every job must come out exactly once.
concurrent_pullers(Module, Config) ->
    Second = list_to_atom(atom_to_list(Module) ++ "_second"),
    Starter = start(Module, Config#{name => Second}),
    Published = [begin
                     {ok, Id} = Module:publish(low, payment, #{n => N}, 60000),
                     Id
                 end || N <- lists:seq(1, 60)],
    Parent = self(),
    %% Two pullers share the registered server and one uses the second.
    Workers = [spawn_link(fun() -> Parent ! {self(), drain(Module, Server, [])} end)
               || Server <- [Module, Module, Second]],
    Taken = [receive {W, Ids} -> Ids end || W <- Workers],
    gen_server:stop(Second),
    Starter ! stop,
    All = lists:append(Taken),
    ?assertEqual(length(All), length(lists:usort(All))),
    ?assertEqual(lists:sort(Published), lists:sort(All)).

drain(Module, Server, Acc) ->
    case Module:pull(Server, low, payment, 3) of
        {ok, []} ->
            Acc;
        {ok, Jobs} ->
            Ids = [Id || #{id := Id} <- Jobs],
            [ok = Module:ack(Server, payment, Id) || Id <- Ids],
            drain(Module, Server, Ids ++ Acc)
    end.

down_at_start(Module, DownConfig) ->
    Name = list_to_atom(atom_to_list(Module) ++ "_down"),
    Result = Module:start_link(DownConfig#{name => Name}),
    ?assertMatch({error, {_Why, _Reason}}, Result),
    %% The caller is still alive (this line runs) and the name is free again.
    ?assertEqual(undefined, whereis(Name)),
    ?assertMatch({error, {not_started, _}},
                 Module:publish(Name, high, payment, #{}, 1000)).
