META
key;value
description;Invented scoring election for pb's import tests (not real data)
country;Nowhere
unit;Testville
instance;2026
num_projects;4
num_votes;12
budget;100
vote_type;scoring
rule;greedy
date_begin;01.05.2026
date_end;15.05.2026
min_points;1
max_points;5
currency;EUR
PROJECTS
project_id;cost;name
a;40;Playground
b;30;Bicycle racks
c;50;Library garden
d;20;Benches
VOTES
voter_id;vote;points
1;a,b,c;5,3,1
2;a,c;4,4
3;b,d;5,2
4;a,d;5,5
5;c;5
6;a,b,c,d;2,2,2,2
7;c,d;3,1
8;a;5
9;b,c;1,5
10;a,b;3,3
11;d;4
12;c,a;5,1
